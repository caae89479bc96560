"""The pipeline report: totals, chart, summary and report.html, fed by `DealVerdict`s whatever their source.

A CRM export (`pipeline_audit`, either engine) and the saved deals (`/pipeline`) both feed it
`sales_process.deal_verdict.DealVerdict`s; it imports nothing but the core.
"""
