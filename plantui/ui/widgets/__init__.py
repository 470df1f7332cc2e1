"""The dashboard's widgets, one job each."""

from .activity import ActivityLog
from .compact import CompactPlan
from .dashboard import PlanDashboard
from .header import PlanHeader
from .overview import PlanTable
from .plan_tree import PlanTree
from .side_panel import SidePanel

__all__ = ["ActivityLog", "CompactPlan", "PlanDashboard", "PlanHeader", "PlanTable", "PlanTree", "SidePanel"]
