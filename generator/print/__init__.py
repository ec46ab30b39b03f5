"""Notice-board sheets (公开栏): the model → sheets (pure) → HTML → PDF (WeasyPrint)."""

# The sheets `juwu print --sheet` knows, with what each is called on the board. Declared here, with
# no imports, so the command line can offer the choices without loading the print machinery.
SHEETS = {
    "period": "财务公开表",
    "roster": "成员公示",
    "report": "监督报告",
    "rollout": "推进情况",
    "findings": "整改通知",
    "inspections": "检查结果公示",
    "elections": "选举及成员变动公示",
    "decisions": "重要事项公开",
    "projects": "工程项目公开",
    "assets": "资产资源公开",
    "trainings": "学习培训情况公示",
    "allowances": "报酬补贴与工作经费公开",
}
RECORD_SHEETS = ("inspections", "elections", "decisions", "projects", "assets", "trainings", "allowances")

SIZES = ("A4", "A3")  # paper sizes a sheet is laid out for
