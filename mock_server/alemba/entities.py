"""Every Alemba entity the mock serves, described once (see :mod:`.schema`)."""

from __future__ import annotations

from .entities_more import (
    APPROVAL,
    ASSET,
    CALL_HISTORY,
    CALL_TEMPLATE,
    IPK_STATUS_STREAM_TO_TYPE,
    IPK_STATUS_STREAM_TYPE_TO_TYPE,
    SERVICE_ACTION,
    SERVICE_ORDER,
    SERVICE_ORDER_ITEM,
    partition_prop,
    ref_prop,
)
from .schema import Action, Entity, Prop

_ref = ref_prop
_partition = partition_prop


PARTITION = Entity(
    "Partition",
    "partition",
    "partitions",
    "A security partition that groups records",
    (_ref(), Prop("Name", "Text", length=60, description="The partition's name")),
    anonymous=True,
)
ORGANIZATION = Entity(
    "Organization",
    "organization",
    "organizations",
    "A customer or internal organization",
    (
        _ref(),
        Prop("Name", "Text", length=60, required=True, description="The organization's name"),
        Prop("Code", "Text", length=10, uppercase=True, description="A short code"),
        Prop("Phone", "Text", length=30, description="Main telephone number"),
        Prop("Active", "Boolean", flag="T", default=True, description="In use"),
    ),
    verbs=("Search", "Get", "Create", "Update"),
    anonymous=True,
)
LOCATION = Entity(
    "Location",
    "location",
    "locations",
    "A site or office",
    (
        _ref(),
        Prop("Name", "Text", length=60, required=True, description="The location's name"),
        Prop("City", "Text", length=40, description="City"),
        Prop("Country", "Text", length=40, description="Country"),
        Prop("Active", "Boolean", flag="TRUE", default=True, description="In use"),
    ),
    verbs=("Search", "Get", "Create", "Update"),
    anonymous=True,
)
PERSON = Entity(
    "Person",
    "person",
    "persons",
    "A user or analyst known to the system",
    (
        _ref(),
        Prop("Name", "Text", length=60, required=True, description="Full name"),
        Prop("FirstName", "Text", length=30, description="Given name"),
        Prop("LastName", "Text", length=30, description="Family name"),
        Prop("Email", "Text", length=100, description="E-mail address"),
        Prop("Phone", "Text", length=30, description="Telephone number"),
        Prop("JobTitle", "Text", length=60, description="Job title"),
        Prop(
            "LoginId",
            "Text",
            length=30,
            uppercase=True,
            readonly=True,
            description="Login name, when the person may log in",
        ),
        Prop("Organization", "Organization", description="The person's organization"),
        Prop("Location", "Location", description="The person's usual location"),
        Prop("IsAnalyst", "Boolean", flag="Y", readonly=True, description="May log in as analyst"),
        Prop("IsUser", "Boolean", flag="YES", readonly=True, description="May log in as user"),
        Prop("Active", "Boolean", flag="A", default=True, description="Current (not a leaver)"),
        Prop(
            "IsLoggedIn",
            "Boolean",
            flag="1",
            readonly=True,
            usage="Internal",
            description="Holds a live session",
        ),
    ),
    verbs=("Search", "Get", "Update"),
)
CALL_PRIORITY = Entity(
    "CallPriority",
    "call-priority",
    "call_priorities",
    "How urgently a call must be handled",
    (
        _ref(),
        Prop("Name", "Text", length=40, description="The priority's name"),
        Prop("Level", "Short", description="1 is the most urgent"),
        Prop("ResponseMinutes", "Integer", description="Target time to respond"),
        Prop("ResolveHours", "Double", description="Target time to resolve"),
    ),
    anonymous=True,
)
IPK_STATUS = Entity(
    "IpkStatus",
    "ipk-status",
    "ipk_statuses",
    "ITIL process (IPK) status: Incident, Problem, ...",
    (
        _ref(),
        Prop("Name", "Text", length=40, description="The status's name"),
        Prop("Active", "Boolean", flag="P", default=True, description="Offered for new calls"),
    ),
    anonymous=True,
)
IPK_STREAM = Entity(
    "IpkStream",
    "ipk-stream",
    "ipk_streams",
    "ITIL process (IPK) stream: Standard, Major, ...",
    (_ref(), Prop("Name", "Text", length=40, description="The stream's name")),
    anonymous=True,
)
CALL_TYPE = Entity(
    "CallType",
    "call-type",
    "call_types",
    "The screen set a call is logged with",
    (_ref(), Prop("Name", "Text", length=40, description="The type's name")),
    anonymous=True,
)
SERVICE = Entity(
    "Service",
    "service",
    "services",
    "A business or technical service offered to users",
    (
        _ref(),
        Prop("Name", "Text", length=60, required=True, description="The service's name"),
        Prop("Description", "RichText", description="What the service provides"),
        Prop("Location", "Location", description="Where the service is hosted"),
        Prop("Owner", "Person", description="The service owner"),
        _partition(),
        Prop("Available", "Boolean", flag="ON", default=True, description="Currently offered"),
        Prop("MonthlyCost", "Decimal", description="Internal charge per month"),
    ),
    partitioned=True,
    verbs=("Search", "Get", "Create", "Update"),
    anonymous=True,
)
CONFIGURATION_ITEM = Entity(
    "ConfigurationItem",
    "configuration-item",
    "configuration_items",
    "A managed asset: hardware, software or a component of a service",
    (
        _ref(),
        Prop("Name", "Text", length=60, required=True, description="The item's name"),
        Prop("SerialNumber", "Text", length=30, uppercase=True, description="Serial number"),
        Prop("Category", "Text", length=30, description="Laptop, Server, ..."),
        Prop("Service", "Service", description="The service the item supports"),
        Prop("Location", "Location", description="Where the item is"),
        _partition(),
        Prop("Active", "Boolean", flag="1", default=True, description="In service"),
        Prop("PurchaseDate", "DateTime", description="When it was bought"),
        Prop("Cost", "Decimal", description="Purchase cost"),
    ),
    partitioned=True,
    verbs=("Search", "Get", "Create", "Update"),
)
INVENTORY_ALLOCATION = Entity(
    "InventoryAllocation",
    "inventory-allocation",
    "inventory_allocations",
    "A configuration item allocated to a person",
    (
        _ref(),
        Prop(
            "ConfigurationItem",
            "ConfigurationItem",
            required=True,
            description="The allocated item",
        ),
        Prop("Person", "Person", required=True, description="Who has it"),
        Prop("Quantity", "Short", default=1, description="How many"),
        Prop("AllocatedDate", "DateTime", description="When it was handed over"),
        Prop("ReturnedDate", "DateTime", description="When it came back"),
        Prop("Current", "Boolean", flag="Y", default=True, description="Still allocated"),
        Prop("Notes", "Text", length=255, description="Remarks"),
    ),
    verbs=("Search", "Get", "Create", "Update"),
)
ATTACHMENT = Entity(
    "Attachment",
    "attachment",
    "attachments",
    "A file attached to a call",
    (
        _ref(),
        Prop("Call", "Call", readonly=True, description="The call the file belongs to"),
        Prop("Id", "Guid", readonly=True, description="A globally unique id of the file"),
        Prop("FileName", "Text", length=255, description="The file's name"),
        Prop("ContentType", "Text", length=100, description="MIME type"),
        Prop("Size", "Long", readonly=True, description="Size in bytes"),
        Prop(
            "BinaryData",
            "Binary",
            readonly=True,
            description="The content, base64 encoded (filters compare it with null only)",
        ),
        Prop("CreatedDate", "DateTime", readonly=True, description="When it was attached"),
        Prop("CreatedBy", "Person", readonly=True, description="Who attached it"),
    ),
    verbs=("Search", "Get", "Delete"),
)

OFFICER = Prop("Officer", "Person", required=True, description="The analyst to forward to")
RESOLUTION = Prop("Resolution", "Text", length=255, description="How the call was resolved")
#: the Defer action's parameters (cookbook, "Recording Actions" and "Initial Assignment")
DEFER_PARAMETERS = (
    Prop("Description.Description", "RichText", description="What was done (history text)"),
    Prop("Description.DescriptionHtml", "RichText", description="What was done, as HTML"),
    Prop("Description.Title", "Text", length=80, description="A title for the history entry"),
    Prop("ActionType", "Short", description="The kind of action recorded (1 Note, 2 Phone "
         "call, 3 E-mail, 4 Site visit)"),
    Prop("Officer", "Person", description="The analyst the call is assigned to (optional)"),
)
CALL_ACTIONS = (
    Action("Submit", description="Submit a new call so that it is visible to others"),
    Action("Lock", description="Lock the call for your session before changing it"),
    Action("Unlock", description="Release your lock on the call"),
    Action(
        "Forward", description="Assign the call to an analyst (unlocks it)", parameters=(OFFICER,)
    ),
    Action("Close", description="Close the call (unlocks it)", parameters=(RESOLUTION,)),
    Action("Reopen", description="Reopen a closed call"),
    Action(
        "Defer",
        description="Record an action on the call (a history entry), optionally assign it to "
        "an officer, and unlock it",
        parameters=DEFER_PARAMETERS,
    ),
)
CALL = Entity(
    "Call",
    "call",
    "calls",
    "A service desk call: an incident, request or enquiry",
    (
        _ref(),
        Prop("ShortDescription", "Text", length=80, description="One-line summary"),
        Prop("Description", "RichText", description="Full description"),
        Prop(
            "DescriptionHtml",
            "RichText",
            description="The description as HTML (computed from Description when not given)",
        ),
        Prop("Template", "CallTemplate", description="The call template the call was logged from"),
        Prop(
            "Status",
            "Text",
            length=10,
            readonly=True,
            default="New",
            description="New (not submitted), Open, Closed",
        ),
        Prop(
            "IpkStatus",
            "IpkStatus",
            required=True,
            required_rule="IpkStatus must be set when Template is null",
            description="ITIL process status",
        ),
        Prop(
            "IpkStream",
            "IpkStream",
            required=True,
            required_rule="IpkStream must be set when Template is null",
            description="ITIL process stream",
        ),
        Prop("Type", "CallType", description="The screen set the call is logged with"),
        Prop("Priority", "CallPriority", description="How urgent the call is"),
        Prop("User", "Person", description="Who the call is for"),
        Prop("Organization", "Organization", description="The user's organization"),
        Prop("Service", "Service", description="The affected service"),
        Prop("Location", "Location", description="Where the problem is"),
        Prop("ConfigurationItem", "ConfigurationItem", description="The affected item"),
        Prop("Officer", "Person", readonly=True, description="The analyst it is assigned to"),
        _partition(),
        Prop("CreatedDate", "DateTime", readonly=True, description="When it was created"),
        Prop("LoggedDate", "DateTime", readonly=True, description="When it was submitted"),
        Prop("ActualLogDate", "DateTime", readonly=True, description="When it was logged"),
        Prop("ClosedDate", "DateTime", readonly=True, description="When it was closed"),
        Prop("LastActionDate", "DateTime", readonly=True, description="Last change"),
        Prop(
            "CreatedBy",
            "Person",
            readonly=True,
            usage="Internal",
            description="Who created the call",
        ),
        Prop("Urgent", "Boolean", flag="YES", default=False, description="Flagged urgent"),
        Prop(
            "Deleted",
            "Boolean",
            flag="T",
            readonly=True,
            default=False,
            description="Deleted (still searchable with @IsDeleted)",
        ),
        Prop("TimeSpent", "Double", description="Hours spent so far"),
        Prop("Resolution", "Text", length=255, readonly=True, description="Closing remarks"),
        Prop(
            "LastHistoryOrder",
            "Integer",
            readonly=True,
            description="Order of the call's latest history entry (join CallHistory on it)",
        ),
        Prop(
            "ServiceOrderItem",
            "ServiceOrderItem",
            description="The service order item the call fulfils",
        ),
        Prop("Number1", "Integer", extension=True, description="Extension field: number 1"),
        Prop("Number2", "Integer", extension=True, description="Extension field: number 2"),
        Prop("Text1", "Text", length=60, extension=True, description="Extension field: text 1"),
    ),
    partitioned=True,
    deleted="Deleted",
    verbs=("Search", "Get", "Create", "Update"),
    actions=CALL_ACTIONS,
)
INCIDENT_STATUS = 1
INCIDENT = CALL.child(
    "Incident",
    "incident",
    "A call that records an unplanned interruption of a service",
    ("IpkStatus", INCIDENT_STATUS),
    {
        "IpkStatus": {"readonly": True, "required": False, "default": INCIDENT_STATUS},
        "IpkStream": {"required": False, "default": 0},
    },
)

ENTITIES: tuple[Entity, ...] = (
    APPROVAL,
    ASSET,
    CALL,
    INCIDENT,
    PERSON,
    ORGANIZATION,
    LOCATION,
    SERVICE,
    CONFIGURATION_ITEM,
    CALL_PRIORITY,
    IPK_STATUS,
    IPK_STREAM,
    CALL_TYPE,
    PARTITION,
    ATTACHMENT,
    INVENTORY_ALLOCATION,
    CALL_TEMPLATE,
    CALL_HISTORY,
    IPK_STATUS_STREAM_TO_TYPE,
    IPK_STATUS_STREAM_TYPE_TO_TYPE,
    SERVICE_ACTION,
    SERVICE_ORDER,
    SERVICE_ORDER_ITEM,
)
BY_NAME = {entity.name: entity for entity in ENTITIES}
BY_RESOURCE = {entity.resource: entity for entity in ENTITIES}
#: the entities with a table of their own (a child shares its parent's)
STORED = tuple(entity for entity in ENTITIES if entity.parent is None and not entity.subtypes)


CHILDREN = {entity.name: [o for o in ENTITIES if o.parent == entity.name] for entity in ENTITIES}


def children(entity: Entity) -> list[Entity]:
    """The entities that are kinds of ``entity`` (Incident of Call); computed once, as this
    runs for every row of every search."""
    return CHILDREN[entity.name]
