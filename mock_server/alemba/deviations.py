"""The Alemba mock's deviations: for each rule checked on the wire, one characteristic
way a real server gets it wrong, switched on through ``POST <base>/__admin/deviations``
(contract "Deviations"). Call sites say ``if deviation_on("AL-NN"): ...`` where the
rule's behaviour is decided.
"""

from __future__ import annotations

from ..core.deviations import Deviation, deviation_on

CATALOGUE: tuple[Deviation, ...] = (
    Deviation("AL-01", "client_credentials gives full Analyst access, not limited anonymous "
                       "access: the session may read and create calls"),
    Deviation("AL-02", "Refresh tokens live as long as access tokens: 10 minutes, not 24 hours"),
    Deviation("AL-03", "A refresh does not spend the refresh token: replaying it works again"),
    Deviation("AL-04", "A logout revokes the tokens but its core session keeps the licence "
                       "until it expires"),
    Deviation("AL-05", "The scope is matched case-insensitively (session-type:analyst works)"),
    Deviation("AL-06", "An unknown or disabled client_id is 400 invalid_grant, not 401"),
    Deviation("AL-07", "An expired access token answers 403 NotAllowed, not 401"),
    Deviation("AL-08", "Logging out someone else's refresh token succeeds (200), not 403"),
    Deviation("AL-09", "The root metadata has an empty _links"),
    Deviation("AL-10", "Property descriptions lack usage"),
    Deviation("AL-11", "Record links are absolute URLs (http://host/alemba.api/api/v1/...), "
                       "not api: media links"),
    Deviation("AL-12", "$options on an entity's link is ignored: it runs the search"),
    Deviation("AL-13", "A record lists every action of its entity, whatever its state"),
    Deviation("AL-14", "Search results lack _context"),
    Deviation("AL-15", "$skip is ignored"),
    Deviation("AL-16", "$inlinecount=true adds no __count"),
    Deviation("AL-17", "$select aliases are ignored: Alias:Priority.Name comes back as "
                       "Priority.Name"),
    Deviation("AL-18", "A $filter the parser refuses becomes a 500"),
    Deviation("AL-19", "Property names and asc/desc after $ options match case-insensitively "
                       "(a case-insensitive collation)"),
    Deviation("AL-20", "A $leftJoin/$innerJoin alias works in $select but not in $filter (400)"),
    Deviation("AL-21", "$partition is ignored"),
    Deviation("AL-22", "DateTime values are written without a zone (local time, no Z)"),
    Deviation("AL-23", "Legacy flags read true only when stored as Y or TRUE"),
    Deviation("AL-24", "DELETE answers 200 but the record (an attachment) stays"),
    Deviation("AL-25", "Error bodies lack SubStatus"),
    Deviation("AL-26", "Text longer than its length is silently truncated"),
)

__all__ = ["CATALOGUE", "Deviation", "deviation_on"]
