"""Routing: queues per organisation × skill, business hours, offers to the longest-idle agent, accept races,
overflow, wait estimates. The bots call `request_handoff`; the live chat calls the rest.

Public API (other packages import from here, never from the modules):
    request_handoff(session, conversation, *, skill, organisation_code, priority=0, summary) -> HandoffOutcome
    leave_message(session, conversation, *, text, email) -> Conversation (email channel)
"""

from accueil.routing.agents import AgentView, agent_view, agent_views, set_presence, touch
from accueil.routing.assignment import (
    accept,
    dispatch,
    offer,
    reassign_to,
    release,
    requeue,
    require_handler,
    taken_entry,
)
from accueil.routing.choices import EntryState, OutcomeStatus, Presence
from accueil.routing.estimate import Staffing, WaitEstimate, erlang_c, estimate_position, expected_wait_new
from accueil.routing.handoff import (
    HandoffOutcome,
    is_staffed,
    leave_message,
    position_message,
    queued_message,
    queued_outcome,
    request_handoff,
    staffing_for,
)
from accueil.routing.holidays import easter_sunday, holiday_name, holidays
from accueil.routing.notify import (
    agent_channel,
    conversation_channel,
    notify,
    organisation_channel,
    queue_channel,
    register_publisher,
    unregister_publisher,
)
from accueil.routing.policy import Hours, RoutingPolicy, load_policy, parse_policy
from accueil.routing.queues import (
    close_entry,
    enter_queue,
    entries_of,
    last_entry,
    message_dict,
    open_entry,
    position,
    publish_message,
    queue_id,
    ranked,
    routed_conversation_ids,
    system_message,
    touch_usagers,
    waiting_entries,
)
from accueil.routing.stats import agents_figures, queue_figures, service_level
from accueil.routing.timers import SweepReport, sweep

__all__ = [
    "AgentView",
    "EntryState",
    "HandoffOutcome",
    "Hours",
    "OutcomeStatus",
    "Presence",
    "RoutingPolicy",
    "Staffing",
    "SweepReport",
    "WaitEstimate",
    "accept",
    "agent_channel",
    "agent_view",
    "agent_views",
    "agents_figures",
    "close_entry",
    "conversation_channel",
    "dispatch",
    "easter_sunday",
    "enter_queue",
    "entries_of",
    "erlang_c",
    "estimate_position",
    "expected_wait_new",
    "holiday_name",
    "holidays",
    "is_staffed",
    "last_entry",
    "leave_message",
    "load_policy",
    "message_dict",
    "notify",
    "offer",
    "open_entry",
    "organisation_channel",
    "parse_policy",
    "position",
    "position_message",
    "publish_message",
    "queue_channel",
    "queue_figures",
    "queue_id",
    "queued_message",
    "queued_outcome",
    "ranked",
    "reassign_to",
    "register_publisher",
    "release",
    "request_handoff",
    "requeue",
    "require_handler",
    "routed_conversation_ids",
    "service_level",
    "set_presence",
    "staffing_for",
    "sweep",
    "system_message",
    "taken_entry",
    "touch",
    "touch_usagers",
    "unregister_publisher",
    "waiting_entries",
]
