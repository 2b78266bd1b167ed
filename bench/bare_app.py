"""The baseline of bench/bench_web.py: a bare Flask page rendering a 20-row Jinja table,
served by the same gunicorn settings as the platform."""

from flask import Flask, render_template_string

app = Flask(__name__)
ROWS = [
    {"title": f"焊接岗位 {i}", "enterprise": f"莱芜企业 {i}", "deadline": "2027-01-31"} for i in range(20)
]
PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>bare</title></head><body>
<table>{% for r in rows %}
<tr><td>{{ r.title }}</td><td>{{ r.enterprise }}</td><td>{{ r.deadline }}</td></tr>{% endfor %}
</table></body></html>"""


@app.get("/")
def index():
    return render_template_string(PAGE, rows=ROWS)
