"""The SMS templates filed with the providers (Chinese SMS is sent only from approved templates).

Each template: the text as filed (the provider substitutes `${name}` parameters), and its
parameters in order (Tencent Cloud takes them as a list, Alibaba Cloud by name). A template's
text, with the longest parameter values we send, fits one 70-character segment; parameters
carry at most a given name, a code and a link, never a number, an organisation's data or a
reason. README.md ("Messaging") lists them for filing; tests/messaging check their length.
"""

from __future__ import annotations

from dataclasses import dataclass

# The longest values a parameter may carry (a name cut to NAME_MAX characters, a six-digit code,
# a short link, SITE_URL without its scheme + "/m/<id>"): what the length test substitutes.
LONGEST = {"code": "000000", "name": "某某某", "link": "xqt.example.cn/m/99999999"}
NAME_MAX = 3  # characters of the person's name put into an SMS


@dataclass(frozen=True)
class SmsTemplate:
    key: str
    text: str
    params: tuple[str, ...]

    def render(self, values: dict[str, str]) -> str:
        text = self.text
        for name in self.params:
            text = text.replace("${" + name + "}", str(values.get(name, "")))
        return text


TEMPLATES: dict[str, SmsTemplate] = {
    t.key: t
    for t in (
        SmsTemplate("login_code", "校企通登录验证码${code}，5分钟内有效。如非本人操作请忽略。", ("code",)),
        SmsTemplate(
            "reset_code", "校企通重置密码验证码${code}，5分钟内有效。如非本人操作请忽略。", ("code",)
        ),
        SmsTemplate("verify_code", "校企通手机号验证码${code}，5分钟内有效。如非本人操作请忽略。", ("code",)),
        SmsTemplate("offer", "${name}同学，你收到一份实习录用，请登录查看并答复：${link}", ("name", "link")),
        SmsTemplate(
            "offer_reminder", "${name}同学，你的实习录用尚未答复，请尽快处理：${link}", ("name", "link")
        ),
        SmsTemplate("log_late", "${name}同学，你上周的实习周志还没写，请登录填写：${link}", ("name", "link")),
        SmsTemplate("notice", "${name}，你在校企通有一条新通知，请查看：${link}", ("name", "link")),
    )
}
CODE_TEMPLATES = {"login": "login_code", "reset": "reset_code", "verify": "verify_code"}
# Notification kinds with a template of their own; every other kind is sent as "notice".
KIND_TEMPLATES = {"internship_offered": "offer", "internship_log_late": "log_late"}
