"""The demo's conversation (issue 23), added when seed_demo has loaded the portfolio (core.demo)."""

from hub.models import Comment
from hub.services import comment_post


def seed_conversations(sender, *, users, accounts, **kwargs):
    """A supervisor's question on 东方电子 that @mentions li, li's answer and a note on li's latest
    visit there, so that the account's thread, the timeline and the bell have a conversation to
    show. Seeding twice makes nothing new."""
    account = next(a for name, a in accounts.items() if name.startswith("东方电子"))
    if Comment.objects.filter(account=account).exists():
        return
    supervisor, manager, colleague = users["supervisor"], users["manager"], users["manager3"]
    question = comment_post(by=supervisor, target=account, body=(
        "@manager 吴工的二季度预算批下来了吗？Has Wu's Q2 budget been approved? 请在月底前确认报价。"))
    comment_post(by=manager, target=account, reply_to=question, body=(
        "已批，周总下周签字。Approved; Mr Zhou signs next week. @manager3 请准备合同模板。"))
    visit = account.visits.order_by("-occurred_at").first()
    if visit is not None:
        comment_post(by=colleague, target=visit,
                     body="郑经理提到的产能问题我来跟进。I'll follow up Zheng's capacity point.")
