"""The getting-started steps, shown by every page whose empty state a new workspace meets."""

from __future__ import annotations

from django import template

from accounts.selectors import workspace_members, workspace_setup_steps

register = template.Library()


@register.inclusion_tag("accounts/_setup_steps.html", takes_context=True)
def setup_steps(context) -> dict:
    """The steps of the page's workspace; a page that computed them already passes `steps`."""
    workspace = context["workspace"]
    steps = context.get("steps") or workspace_setup_steps(
        workspace=workspace, member_count=workspace_members(workspace=workspace).count()
    )
    return {
        "steps": steps,
        "steps_left": sum(not step["done"] for step in steps),
        "workspace": workspace,
        "membership": context["membership"],
    }
