"""The data model. Import from here: ``from tracker.models import Plan, Task, ...``."""

from .account import ADMIN, AUTHOR, LEADER, OFFICER, ROLE_LABELS_VI, ROLES, Account, Role, SignInLink, SignInThrottle
from .api import ApiToken
from .assignment import (
                      APPROVED,
                      PENDING,
                      REFUSED,
                      Assignment,
                      Deadline,
                      Evidence,
                      ExtensionRequest,
                      Occurrence,
                      StatusChange,
)
from .base import (
                      CANCELLED,
                      COORDINATE,
                      DONE,
                      IN_PROGRESS,
                      LEAD,
                      NOT_STARTED,
                      PAUSED,
                      PLAN_ACTIVE,
                      PLAN_ARCHIVED,
                      PLAN_DRAFT,
                      STATUS_LABELS_VI,
                      STATUSES,
                      Status,
)
from .calendar import CalendarDay
from .directory import Agency, AgencyAlias, AgencyGroup, FocalOfficer, agency_group_members
from .explanation import (
                      EXPLANATION_ANSWERED,
                      EXPLANATION_OPEN,
                      EXPLANATION_STATES,
                      EXPLANATION_WITHDRAWN,
                      ExplanationRequest,
                      ExplanationState,
)
from .feed import FEED_KINDS, FeedScope, FeedState, FeedToken
from .jobs import JobRun
from .mail import (
                      FAILED,
                      OUTBOX_STATES,
                      QUEUED,
                      SENDING,
                      SENT,
                      OutboxItem,
                      OutboxMessage,
                      OutboxState,
)
from .plan import ImportDraft, Plan, Section, Task
from .reminders import SentStep, Setting
from .webhooks import DELIVERY_STATES, DeliveryState, WebhookDelivery, WebhookEndpoint

__all__ = [
    "ADMIN", "AUTHOR", "LEADER", "OFFICER", "ROLE_LABELS_VI", "ROLES", "Role", "Status", "OutboxState",
    "Account", "ApiToken", "SignInLink",
    "SignInThrottle", "APPROVED",
    "PENDING", "REFUSED", "Evidence", "ExtensionRequest", "ImportDraft", "JobRun",
    "Agency", "AgencyAlias", "AgencyGroup", "Assignment", "Deadline", "FEED_KINDS", "FeedScope", "FeedState",
    "FeedToken", "FocalOfficer",
    "CalendarDay", "Occurrence", "OutboxItem", "OutboxMessage", "Plan", "Section", "SentStep",
    "Setting", "StatusChange",
    "Task", "agency_group_members", "FAILED", "OUTBOX_STATES", "QUEUED", "SENDING", "SENT",
    "CANCELLED", "COORDINATE", "DONE", "IN_PROGRESS", "LEAD", "NOT_STARTED", "PAUSED",
    "PLAN_ACTIVE", "PLAN_ARCHIVED", "PLAN_DRAFT", "STATUSES", "STATUS_LABELS_VI",
    "DELIVERY_STATES", "DeliveryState", "WebhookDelivery", "WebhookEndpoint",
    "EXPLANATION_ANSWERED", "EXPLANATION_OPEN", "EXPLANATION_STATES", "EXPLANATION_WITHDRAWN",
    "ExplanationRequest", "ExplanationState",
]
