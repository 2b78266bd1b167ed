"""Every demo student, once: e-mail → (name, major at 莱芜职业中专).

The loaders (demo.json's two students, named classes, apprenticeships) all take a
student's name and major from here, so the same e-mail never appears under two
names or two majors whichever loader creates the account first.
"""

from __future__ import annotations

STUDENTS: dict[str, tuple[str, str]] = {
    "student@xiaoqi-demo.cn": ("王小明（演示）", "工业机器人技术应用"),
    "student.pending@xiaoqi-demo.cn": ("赵小雨（演示）", "护理"),
    # Apprentices of the 汇金 modern apprenticeship programmes.
    "student.zhang@xiaoqi-demo.cn": ("张伟（演示）", "数控技术应用"),
    "student.li@xiaoqi-demo.cn": ("李娜（演示）", "数控技术应用"),
    "student.chen@xiaoqi-demo.cn": ("陈强（演示）", "工业机器人技术应用"),
    "student.liu@xiaoqi-demo.cn": ("刘芳（演示）", "智能设备运行与维护"),
    # Applicants to the 山东重工 named class (welding).
    "student.sun@xiaoqi-demo.cn": ("孙志强（演示）", "焊接技术应用"),
    "student.zhou@xiaoqi-demo.cn": ("周文静（演示）", "焊接技术应用"),
    "student.wu@xiaoqi-demo.cn": ("吴鹏（演示）", "焊接技术应用"),
    # Interns of the 山东重工 assembly-line internship (seed/internships.py).
    "student.zheng@xiaoqi-demo.cn": ("郑浩（演示）", "焊接技术应用"),
    "student.feng@xiaoqi-demo.cn": ("冯丽（演示）", "焊接技术应用"),
    "student.he@xiaoqi-demo.cn": ("何磊（演示）", "数控技术应用"),
    "student.xu@xiaoqi-demo.cn": ("徐静（演示）", "焊接技术应用"),
}


def student(email: str) -> tuple[str, str, str]:
    """(e-mail, name, major) of one demo student."""
    name, major = STUDENTS[email]
    return email, name, major
