"""Report writing: metrics, figures, the self-contained HTML page."""

from backtests.inference.verdict import decide_verdict as verdict
from backtests.report.metrics import build_metrics, validate_metrics
from backtests.report.writer import ReportPaths, write_report

__all__ = ["ReportPaths", "build_metrics", "validate_metrics", "verdict", "write_report"]
