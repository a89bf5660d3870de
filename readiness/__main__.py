from readiness.cli import app

app(prog_name="readiness")
