"""The entities behind the vendor's cookbook recipes: call templates, IPK call-type
mappings, call history, approvals, service orders, and the Asset grouping.

Each is described once, like the entities of :mod:`.entities`; the choices the
documents leave open are written into ``spec/alemba.yaml``.
"""

from __future__ import annotations

from .schema import Action, Entity, Prop


def ref_prop() -> Prop:
    return Prop(
        "Ref",
        "Integer",
        key=True,
        readonly=True,
        description="The unique identifier of the record",
    )


def partition_prop(required: bool = True) -> Prop:
    return Prop(
        "Partition",
        "Partition",
        required=required,
        description="The partition the record belongs to",
    )


CALL_TEMPLATE = Entity(
    "CallTemplate",
    "call-template",
    "call_templates",
    "A call template offered in the Self Service Portal; a call created with it takes its values",
    (
        ref_prop(),
        Prop("Name", "Text", length=60, required=True, description="The template's name"),
        Prop("ShortDescription", "Text", length=80, description="Summary given to new calls"),
        Prop("Description", "RichText", description="Description given to new calls"),
        Prop("IpkStatus", "IpkStatus", description="IPK status of new calls"),
        Prop("IpkStream", "IpkStream", description="IPK stream of new calls"),
        Prop("Type", "CallType", description="The screen set of new calls"),
        Prop("Priority", "CallPriority", description="Priority of new calls"),
        partition_prop(),
        Prop("Active", "Boolean", flag="Y", default=True, description="Offered to users"),
    ),
    partitioned=True,
)

_MAPPING_PROPS = (
    ref_prop(),
    Prop("IpkStatus", "IpkStatus", description="The IPK status"),
    Prop("IpkStream", "IpkStream", description="The IPK stream"),
    Prop(
        "InfraEntityType",
        "Integer",
        description="The kind of ticket the mapping creates (6 Call, 7 Incident)",
    ),
    Prop("Type", "CallType", description="The screen set (call type) to log with"),
)
IPK_STATUS_STREAM_TO_TYPE = Entity(
    "IpkStatusStreamToType",
    "ipk-status-stream-to-type",
    "ipk_status_stream_to_type",
    "Maps an IPK status and stream to the type of call to log (enabled on this system)",
    _MAPPING_PROPS,
    anonymous=True,
)
IPK_STATUS_STREAM_TYPE_TO_TYPE = Entity(
    "IpkStatusStreamTypeToType",
    "ipk-status-stream-type-to-type",
    "ipk_status_stream_type_to_type",
    "Maps an IPK status, stream and call problem type to the type of call to log "
    "(not enabled on this system: use ipk-status-stream-to-type)",
    (
        *_MAPPING_PROPS,
        Prop("ProblemType", "Integer", description="The call problem type"),
    ),
    anonymous=True,
    enabled=False,
)

CALL_HISTORY = Entity(
    "CallHistory",
    "call-history",
    "call_history",
    "A call's history entry; its natural key is the call (TicketId) and the entry's Order",
    (
        ref_prop(),
        Prop("TicketId", "Integer", readonly=True, description="The Ref of the call"),
        Prop("Order", "Integer", readonly=True, description="1 for the first entry, then 2, ..."),
        Prop("Title", "Text", length=80, description="The entry's title"),
        Prop("Description", "RichText", description="What was done"),
        Prop("DescriptionHtml", "RichText", description="What was done, as HTML"),
        Prop("ActionType", "Short", description="1 Note, 2 Phone call, 3 E-mail, 4 Site visit"),
        Prop("Officer", "Person", description="The officer the call was assigned to"),
        Prop("ActionDate", "DateTime", readonly=True, description="When it was recorded"),
        Prop("CreatedBy", "Person", readonly=True, description="Who recorded it"),
    ),
)

COMMENTS = Prop("Comments", "Text", length=255, description="The approver's remarks")
APPROVAL = Entity(
    "Approval",
    "approval",
    "approvals",
    "A request for an approver to approve or reject a call",
    (
        ref_prop(),
        Prop("Call", "Call", readonly=True, description="The call awaiting approval"),
        Prop("Approver", "Person", readonly=True, description="Who is asked to decide"),
        Prop(
            "Status",
            "Text",
            length=10,
            readonly=True,
            default="Pending",
            description="Pending, Approved or Rejected",
        ),
        Prop("Comments", "Text", length=255, description="The approver's remarks"),
        Prop("RequestedDate", "DateTime", readonly=True, description="When it was requested"),
        Prop("DecidedDate", "DateTime", readonly=True, description="When it was decided"),
    ),
    actions=(
        Action("Approve", description="Approve a pending approval", parameters=(COMMENTS,)),
        Action("Reject", description="Reject a pending approval", parameters=(COMMENTS,)),
    ),
)

SERVICE_ACTION = Entity(
    "ServiceAction",
    "service-action",
    "service_actions",
    "Something a user can order from the service catalogue; its Create action names the "
    "kind of call that fulfils it",
    (
        ref_prop(),
        Prop("Name", "Text", length=60, required=True, description="What is ordered"),
        Prop("Service", "Service", description="The service it belongs to"),
        Prop("Cost", "Decimal", description="Price of one"),
        Prop("Template", "CallTemplate", description="The template of the call that fulfils it"),
        Prop("Active", "Boolean", flag="Y", default=True, description="Can be ordered"),
    ),
    anonymous=True,
)
SERVICE_ORDER = Entity(
    "ServiceOrder",
    "service-order",
    "service_orders",
    "An order of service actions; Submit totals it and submits its calls",
    (
        ref_prop(),
        Prop("Description", "Text", length=255, description="What the order is for"),
        Prop("Requester", "Person", description="Who the order is for"),
        Prop(
            "Status",
            "Text",
            length=10,
            readonly=True,
            default="New",
            description="New, Submitted",
        ),
        Prop("OrderTotal", "Decimal", readonly=True, description="Calculated on Submit"),
        Prop("CreatedDate", "DateTime", readonly=True, description="When it was created"),
        Prop("SubmittedDate", "DateTime", readonly=True, description="When it was submitted"),
        Prop("CreatedBy", "Person", readonly=True, usage="Internal", description="Its creator"),
    ),
    verbs=("Search", "Get", "Create", "Update"),
    actions=(
        Action(
            "Submit",
            description="Calculate the order total and submit the calls of its items",
        ),
    ),
)
SERVICE_ORDER_ITEM = Entity(
    "ServiceOrderItem",
    "service-order-item",
    "service_order_items",
    "One service action in a service order, with its quantity",
    (
        ref_prop(),
        Prop("ServiceOrder", "ServiceOrder", required=True, description="The order"),
        Prop("ServiceAction", "ServiceAction", required=True, description="What is ordered"),
        Prop("Quantity", "Short", required=True, description="How many"),
        Prop("UnitCost", "Decimal", readonly=True, description="The action's cost when ordered"),
    ),
    verbs=("Search", "Get", "Create", "Update", "Delete"),
)

ASSET = Entity(
    "Asset",
    "asset",
    "assets",
    "Any asset: Services and Configuration Items, searched together",
    (
        ref_prop(),
        Prop("Name", "Text", length=60, description="The asset's name"),
        Prop("Location", "Location", description="Where the asset is"),
        partition_prop(required=False),
        Prop("AssetType", "Text", length=30, readonly=True, description="Service, ..."),
    ),
    partitioned=True,
    verbs=("Search",),
    subtypes=("Service", "ConfigurationItem"),
)
