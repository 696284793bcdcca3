"""Report writing: metrics, figures, the self-contained HTML page."""

from backtests.report.metrics import build_metrics, validate_metrics, verdict
from backtests.report.writer import ReportPaths, write_report

__all__ = ["ReportPaths", "build_metrics", "validate_metrics", "verdict", "write_report"]
