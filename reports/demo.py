"""The demo portfolio that seed_demo loads: accounts, contacts and buyer roles
with deliberate gaps, so that the danger map and the nudges have something to show."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from accounts.models import (
    Account,
    AccountTeamMember,
    Competitor,
    LostReason,
    ObjectionType,
    Order,
    ProductPosition,
    ProspectClaim,
)
from contacts.models import BuyerRole, Contact, Relationship, SelfQuestionReview
from contacts.services import contact_mark_left, role_plan_review_record

DM, GK, US, CO = "decision_maker", "gatekeeper", "user", "coach"

# name, kind, status, owner, team, parent, region, industry
ACCOUNTS = [
    ("华夏控股集团 Huaxia Holdings", "group", "active", "manager", ["manager3"], None, "华东", "Conglomerate"),
    ("华夏制造上海公司 Huaxia Manufacturing", "strategic", "active", "manager", ["manager3"],
     "华夏控股集团 Huaxia Holdings", "上海", "Manufacturing"),
    ("华夏物流 Huaxia Logistics", "important", "active", "manager3", [],
     "华夏控股集团 Huaxia Holdings", "江苏", "Logistics"),
    ("东方电子 Oriental Electronics", "strategic", "active", "manager", ["manager3"], None, "上海", "Electronics"),
    ("长江医药 Yangtze Pharma", "important", "at_risk", "manager", [], None, "湖北", "Pharmaceuticals"),
    ("南方分销 Southern Distribution", "economic", "active", "manager2", [], None, "广东", "Distribution"),
    ("新星科技 Nova Tech", "standard", "prospect", None, [], None, "浙江", "Software"),
    ("远航汽车 Voyager Motors", "standard", "prospect", None, [], None, "广东", "Automotive"),
]

# account (prefix), contact name, title, reports-to name, birthday (calendar, month, day, leap), roles
CONTACTS = [
    ("东方电子", "周总 Zhou", "CEO 总经理", None, ("lunar", 8, 15, False),
     [(DM, 5, 2, 4)]),
    ("东方电子", "吴工 Wu", "CTO 技术总监", "周总 Zhou", ("solar", 2, 29, False), [(GK, 4, 1, 4)]),
    ("东方电子", "郑经理 Zheng", "Production manager 生产经理", "周总 Zhou", ("solar", 11, 30, False),
     [(US, 3, 1, 3)]),
    ("东方电子", "孙助理 Sun", "Assistant 总经理助理", "周总 Zhou", ("lunar", 4, 8, True), [(CO, 2, 2, 5)]),
    ("长江医药", "刘董 Liu", "Chairman 董事长", None, ("lunar", 1, 1, False), [(DM, 5, 0, 1)]),
    ("长江医药", "何财务 He", "CFO 财务总监", "刘董 Liu", ("solar", 6, 18, False), [(GK, 4, -1, 2)]),
    ("长江医药", "马主任 Ma", "IT director 信息中心主任", "刘董 Liu", None, [(US, 3, 1, 3)]),
    ("南方分销", "黄总 Huang", "General manager 总经理", None, ("solar", 3, 12, False), [(DM, 5, 1, 3)]),
    ("南方分销", "林经理 Lin", "Purchasing 采购经理", "黄总 Huang", None, [(US, 3, 2, 4), (CO, 3, 2, 4)]),
    ("华夏制造", "赵总 Zhao", "Plant director 厂长", None, ("lunar", 12, 30, False), [(DM, 5, 1, 3)]),
    ("华夏制造", "钱工 Qian", "Chief engineer 总工", "赵总 Zhao", None, [(GK, 4, 0, 3), (US, 3, 1, 3)]),
]


def seed_portfolio(*, rng, users):
    accounts = {}
    for name, kind, status, owner, team, parent, region, industry in ACCOUNTS:
        account, _ = Account.objects.update_or_create(name=name, defaults={
            "kind": kind, "status": status, "owner": users.get(owner), "parent": accounts.get(parent),
            "region": region, "industry": industry, "potential": rng.randint(2, 5),
            "responsible_department": "大客户部" if kind != "standard" else "",
            "executive_sponsor": "副总裁 VP Sales" if kind in ("strategic", "group") else "",
            "explicit_needs": "Stable supply and on-time delivery 稳定供货、准时交付",
            "implicit_needs": "Worried a new system disrupts current operations 担心新系统影响现有运营",
            "founded_on": date(1990 + rng.randint(0, 30), rng.randint(1, 12), rng.randint(1, 28)),
        })
        for member in team:
            AccountTeamMember.objects.get_or_create(account=account, user=users[member])
        accounts[name] = account
    _seed_contacts(accounts, rng)
    _seed_business(accounts, rng)
    _seed_claims(accounts, users)
    # Yangtze Pharma has had four touches since its profile was last reviewed (K-02).
    Account.objects.filter(name__startswith="长江医药").update(touches_since_review=4)
    return accounts


def _account(accounts, prefix):
    return next(a for n, a in accounts.items() if n.startswith(prefix))


def _seed_contacts(accounts, rng):
    contacts = {}
    for prefix, name, title, boss, birthday, roles in CONTACTS:
        account = _account(accounts, prefix)
        calendar, month, day, leap = birthday or ("solar", None, None, False)
        contact, _ = Contact.objects.update_or_create(account=account, name=name, defaults={
            "title": title, "reports_to": contacts.get(boss), "birthday_calendar": calendar,
            "birth_month": month, "birth_day": day, "birth_leap_month": leap,
            "mobile": f"1{rng.randint(30, 89)}{rng.randint(1000_0000, 9999_9999)}",
            "email": f"{name.split()[-1].lower()}@example.cn", "preferred_channel": rng.choice(["wechat", "phone"]),
        })
        contacts[name] = contact
        for role, influence, support, level in roles:
            BuyerRole.objects.update_or_create(contact=contact, role=role, defaults={
                "account": account, "influence": influence, "support": support, "contact_level": level,
            })
    # Southern Distribution's decision-maker has left: the role is open (K-13, K-17).
    huang = contacts["黄总 Huang"]
    if not huang.has_left:
        contact_mark_left(contact=huang, by=huang.account.owner, left_on=date.today() - timedelta(days=20))
    Relationship.objects.get_or_create(from_contact=contacts["孙助理 Sun"], to_contact=contacts["周总 Zhou"],
                                       kind="influences")
    Relationship.objects.get_or_create(from_contact=contacts["何财务 He"], to_contact=contacts["马主任 Ma"],
                                       kind="rival")


def _seed_business(accounts, rng):
    today = date.today()
    for n, account in enumerate(a for a in accounts.values() if a.status != "prospect"):
        for i in range(rng.randint(2, 5)):
            Order.objects.get_or_create(account=account, reference=f"HT-{account.pk:04d}-{i}", defaults={
                "signed_on": today - timedelta(days=rng.randint(5, 700)),
                "amount": Decimal(rng.randint(50, 3000) * 1000), "product": rng.choice(
                    ["ERP 企业版", "MES 制造执行", "云服务 Cloud", "维保服务 Maintenance"]),
                "contract_months": rng.choice([None, 12, 24, 36]),
            })
        Competitor.objects.get_or_create(account=account, name=["金蝶 Kingdee", "用友 Yonyou", "SAP"][n % 3],
                                         defaults={"offer": "Lower licence price", "strengths": "Local service"})
        ProductPosition.objects.get_or_create(account=account, product="ERP 企业版", defaults={"status": "in_use"})
        ProductPosition.objects.get_or_create(account=account, product="MES 制造执行", defaults={"status": "target"})


def _seed_claims(accounts, users):
    voyager = _account(accounts, "远航汽车")
    if not voyager.claims.exists():
        ProspectClaim.objects.create(account=voyager, claimant=users["manager"],
                                     reason="Met their purchasing head at the Guangzhou fair 广交会.")
    oriental = _account(accounts, "东方电子")
    SelfQuestionReview.objects.get_or_create(account=oriental, reviewed_on=date.today() - timedelta(days=12),
                                             defaults={
        "reviewed_by": users["manager"], "all_buyers": "Yes — all four roles known.",
        "unmet_buyers": "郑经理 Zheng only by phone so far.", "coach": "孙助理 Sun: tells us the budget calendar.",
        "changes": "No reorganisation; 周总 holds final authority.", "outline": "SPIN outline ready for May.",
        "written": "Proposal sent by e-mail.",
    })


# --- Visits (K-20..K-22): months in every sign-off state ------------------------------------------

PURPOSES = ["季度业务回顾 Quarterly review", "新品介绍 Product introduction", "续约洽谈 Renewal talk",
            "售后回访 After-sales follow-up", "技术交流 Technical exchange"]
CHANNELS = ["on_site", "on_site", "phone", "wechat", "email", "video"]


def seed_visits(*, rng, users, accounts):
    from django.utils import timezone

    from visits import services as visit_services
    from visits.models import CustomerIssue, Visit

    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    two_ago = (last_month - timedelta(days=1)).replace(day=1)
    # manager: two months ago approved (locked), last month waiting for sign-off, this month open;
    # manager3: last month returned; manager2: last month approved.
    plan = {"manager": {two_ago: "approved", last_month: "submitted", this_month: None},
            "manager3": {last_month: "returned", this_month: None},
            "manager2": {last_month: "approved", this_month: None}}
    for username, months in plan.items():
        author = users[username]
        if Visit.objects.filter(author=author).exists():
            continue  # seeded already: seeding twice makes nothing new
        mine = [a for a in accounts.values() if a.owner_id == author.pk and a.status != "prospect"]
        for month, state in months.items():
            last_day = timezone.localdate() if month == this_month else (
                (month + timedelta(days=32)).replace(day=1) - timedelta(days=1))
            for n in range(rng.randint(4, 7) if mine else 0):
                account = rng.choice(mine)
                day = month + timedelta(days=rng.randint(0, (last_day - month).days))
                when = timezone.make_aware(datetime.combine(day, time(rng.randint(9, 17), rng.choice([0, 30]))))
                contacts = list(account.contacts.filter(status="active")[:2])
                channel = rng.choice(CHANNELS)
                issues = []
                if n == 0:
                    issues = [{"kind": rng.choice(["complaint", "request"]),
                               "description": "交货延迟两天 Delivery was two days late"}]
                visit = visit_services.visit_log(
                    account=account, by=author, contacts=contacts, issues=issues, occurred_at=when, channel=channel,
                    purpose=rng.choice(PURPOSES),
                    summary="讨论了明年的采购计划。Discussed next year's purchasing plan.",
                    customer_feedback="希望缩短交付周期 Wants shorter lead times", sentiment="positive",
                    customer_replied=rng.choice([True, False]) if channel in Visit.OUTBOUND else None,
                )
                for issue in visit.issues.all():
                    hours = 24 if issue.kind == "complaint" else 72
                    CustomerIssue.objects.filter(pk=issue.pk).update(due_at=when + timedelta(hours=hours))
                    if month != this_month:
                        visit_services.issue_follow_up(issue=issue, by=author, status="informed",
                                                       resolution="已补发并致歉 Re-shipped and apologised")
                        CustomerIssue.objects.filter(pk=issue.pk).update(
                            resolved_at=when + timedelta(hours=6), informed_at=when + timedelta(hours=20))
            if state:
                supervisor = author.team.supervisor
                log = visit_services.monthly_log_submit(author=author, month=month, by=author)
                if state == "approved":
                    visit_services.monthly_log_approve(log=log, by=supervisor, overall_comment="记录完整 Complete log.")
                elif state == "returned":
                    visit_services.monthly_log_return(log=log, by=supervisor,
                                                      reason="请补充客户意见 Add the customer's opinions.")


# --- Tiers (K-30..K-32): first tiers, an override, and a review waiting for the supervisor ----------

def seed_tiers(*, users, accounts):
    from django.utils import timezone

    from tiering.defaults import ensure_default_tiers
    from tiering.models import AccountTier, Tier, TierReview
    from tiering.services import account_tier_override, tier_evaluate, tier_review_open
    from users.models import Team

    if TierReview.objects.exists():
        return  # seeded already
    ensure_default_tiers()
    tier_evaluate()
    # Since then, Huaxia Manufacturing opened a tender (C → B: an opportunity at the pipeline's tender
    # stage) and Yangtze Pharma signed a big contract with more to come (→ A): the next evaluation
    # proposes both for the quarterly review.
    _seed_tender(_account(accounts, "华夏制造"), users)
    Account.objects.filter(name__startswith="长江医药").update(potential=5)
    yangtze = _account(accounts, "长江医药")
    Order.objects.get_or_create(account=yangtze, reference="HT-BIG-2026", defaults={
        "signed_on": date.today() - timedelta(days=3), "amount": Decimal(8_000_000), "product": "MES 制造执行",
        "contract_months": 36})
    oriental = _account(accounts, "东方电子")
    if not AccountTier.objects.filter(account=oriental, source="override").exists():
        account_tier_override(account=oriental, tier=Tier.objects.get(code="A"), by=users["supervisor"],
                              reason="集团战略合作伙伴 Strategic partner of the group; treat as A.")
    tier_evaluate()
    today = timezone.localdate()
    for team in Team.objects.all():
        tier_review_open(team=team, year=today.year, quarter=(today.month - 1) // 3 + 1, by=users["admin"])


# --- Care (K-40..K-44): birthdays today and in the coming weeks, an occasion, events, gifts -----------

def _seed_tender(huaxia, users):
    from opportunities.defaults import ensure_default_stages
    from opportunities.services import opportunity_create

    if huaxia.opportunities.exists():
        return
    stages = ensure_default_stages()
    tender = opportunity_create(
        account=huaxia, by=users["manager"], stage=stages["Tender"], name="二号工厂 MES 招标 Plant 2 MES tender",
        amount=Decimal(2_400_000), expected_close=date.today() + timedelta(days=75),
        tender_agency="上海市公共资源交易中心", bid_deadline=date.today() + timedelta(days=5),
        tender_result="pending", products=list(huaxia.products.filter(product="MES 制造执行")),
        competitors=list(huaxia.competitors.all()))
    for role in BuyerRole.objects.filter(account=huaxia):
        tender.roles.get_or_create(buyer_role=role, defaults={"stance": role.support})


# A pipeline at every stage: (account prefix, name, stage, amount, days to close, lost reason, objection)
PIPELINE = [
    ("东方电子", "ERP 升级 ERP upgrade", "Negotiation", 1_800_000, 20, None, None),
    ("东方电子", "云迁移 Cloud migration", "Proposal", 950_000, 45, None, None),
    ("东方电子", "维保续约 Maintenance renewal", "Won", 320_000, -10, None, None),
    ("长江医药", "GMP 追溯系统 GMP traceability", "Qualified", 1_200_000, 90, None, None),
    ("长江医药", "仓储 WMS", "Lost", 600_000, -40, "Price", "Price too high"),
    ("南方分销", "渠道门户 Dealer portal", "Lead", 400_000, 120, None, None),
    ("南方分销", "数据平台 Data platform", "Lost", 750_000, -70, "A competitor won", "No trust in us"),
    ("华夏物流", "运输管理 TMS", "Proposal", 880_000, 60, None, None),
    ("华夏物流", "车队物联网 Fleet IoT", "Won", 540_000, -25, None, None),
]


# The entries of accounts' migration 0006 the pipeline's losses name, put back if a flush removed them.
CHURN_NAMES = {"Price": ("价格", "價格"), "A competitor won": ("被竞争对手夺走", "被競爭對手奪走"),
               "Price too high": ("价格太高", "價格太高"), "No trust in us": ("对我们缺乏信任", "對我們缺乏信任")}


def _churn_entry(model, name_en):
    hans, hant = CHURN_NAMES[name_en]
    return model.objects.get_or_create(name_en=name_en, defaults={"name_zh_hans": hans, "name_zh_hant": hant})[0]


def seed_pipeline(*, users, accounts):
    """Opportunities at every stage, with their history: a board, a forecast and win rates to read."""
    from opportunities.defaults import ensure_default_stages
    from opportunities.models import Opportunity
    from opportunities.services import opportunity_create, opportunity_move, opportunity_order_create

    stages = ensure_default_stages()
    today = date.today()
    for prefix, name, stage_name, amount, days, reason, objection in PIPELINE:
        account = _account(accounts, prefix)
        if Opportunity.objects.filter(account=account, name=name).exists():
            continue
        by = account.owner
        made = opportunity_create(account=account, by=by, stage=stages["Lead"], name=name, amount=Decimal(amount),
                                  expected_close=today + timedelta(days=days),
                                  products=list(account.products.all()[:1]))
        if stage_name != "Lead":
            lost = {"lost_reason": _churn_entry(LostReason, reason),
                    "objection_type": _churn_entry(ObjectionType, objection)} if reason else {}
            opportunity_move(opportunity=made, by=by, stage=stages[stage_name], **lost)
        if stage_name == "Won" and prefix == "华夏物流":  # one won deal's order made; the other still offered
            opportunity_order_create(opportunity=made, by=by, signed_on=today - timedelta(days=2),
                                     amount=Decimal(amount), currency=account.currency, product=name,
                                     reference=f"HT-OPP-{made.pk}")


def seed_care(*, users, accounts):
    from django.utils import timezone
    from lunar_python import Solar

    from care import services as care
    from care.defaults import ensure_care_defaults
    from care.models import Event, Gift, MessageTemplate, Occasion

    ensure_care_defaults()
    today = timezone.localdate()
    oriental = _account(accounts, "东方电子")
    zhou = Contact.objects.get(account=oriental, name="周总 Zhou")
    wu = Contact.objects.get(account=oriental, name="吴工 Wu")
    # 郑经理's solar birthday is today; 孙助理's lunar birthday falls ten days from now.
    Contact.objects.filter(account=oriental, name="郑经理 Zheng").update(
        birthday_calendar="solar", birth_month=today.month, birth_day=today.day, birth_leap_month=False)
    in_ten = Solar.fromYmd(*(today + timedelta(days=10)).timetuple()[:3]).getLunar()
    Contact.objects.filter(account=oriental, name="孙助理 Sun").update(
        birthday_calendar="lunar", birth_month=abs(in_ten.getMonth()), birth_day=in_ten.getDay(),
        birth_leap_month=in_ten.getMonth() < 0)
    Gift.objects.get_or_create(contact=zhou, occasion="中秋节 Mid-Autumn", defaults={
        "given_on": today - timedelta(days=60), "gift": "定制月饼礼盒 Custom mooncake box", "value": Decimal(388),
        "story": "He mentioned his daughter loves the lotus-paste kind.", "given_by": users["manager"]})
    Occasion.objects.get_or_create(name="客户答谢日 Customer Day", defaults={
        "date": today + timedelta(days=2), "days_ahead": 2, "template": MessageTemplate.objects.first()})
    Event.objects.get_or_create(title="新工厂投产 New plant opens", defaults={
        "kind": "major_event", "date": today + timedelta(days=5), "account": oriental, "created_by": users["manager"]})
    Event.objects.get_or_create(title="台风预警 Typhoon warning", defaults={
        "kind": "regional_event", "date": today, "region": "广东", "created_by": users["admin"]})
    Event.objects.get_or_create(title="婚礼 Wedding", defaults={
        "kind": "personal_event", "date": today + timedelta(days=6), "contact": wu, "created_by": users["manager"]})
    # K-14: 周总's service plan was reviewed a month ago and is due again tomorrow.
    zhou_role = BuyerRole.objects.get(contact=zhou, role=DM)
    if not zhou_role.plan_reviews.exists():
        BuyerRole.objects.filter(pk=zhou_role.pk).update(
            plan_goal="Make him sponsor the MES rollout 让他支持MES推广", plan_method="Quarterly business review",
            plan_frequency="monthly 每月")
        role_plan_review_record(role=zhou_role, by=users["manager"], reviewed_on=today - timedelta(days=29),
                                outcome="Budget confirmed for next year; wants a plant visit first. 预算已确认。",
                                next_review_on=today + timedelta(days=1))
    care.birthday_tasks_generate()
    care.holiday_tasks_generate()
    care.anniversary_tasks_generate()
    care.event_tasks_generate()
    care.personnel_change_tasks_generate()
    care.silent_email_tasks_generate()
    care.role_review_tasks_generate()
    care.cadence_tasks_generate()


# --- History for the reports (K-51, K-52): customers since two years, one lost, orders after visits ---

def seed_report_history(*, users, accounts):
    from django.utils import timezone

    from visits.models import Visit

    now = timezone.now()
    Account.objects.filter(pk__in=[a.pk for a in accounts.values()]).update(created_at=now - timedelta(days=730))
    former, created = Account.objects.get_or_create(name="旧时客户 Former Customer", defaults={
        "kind": "economic", "status": "active", "owner": users["manager2"], "region": "广东",
        "industry": "Retail"})
    if created:
        Account.objects.filter(pk=former.pk).update(created_at=now - timedelta(days=700))
        Order.objects.create(account=former, signed_on=date.today() - timedelta(days=500),
                             amount=Decimal(1_200_000), product="ERP 企业版", reference="HT-FORMER")
        former.refresh_from_db()
        former.status = "lost"
        # K-52: why it was lost, from the lists accounts/migrations/0006 starts with (an admin may have
        # renamed or removed them: then the demo leaves them empty, as an import of history would)
        former.lost_reason = LostReason.objects.filter(name_en="A competitor won").first()
        former.objection_type = ObjectionType.objects.filter(name_en="Price too high").first()
        former.save()
        # Lost two months ago: move the history record of that change back in time.
        Account.history.filter(id=former.pk, status="lost").update(history_date=now - timedelta(days=60))
    # An order a fortnight after some of the on-site visits: the conversion report has something to show.
    for visit in Visit.objects.filter(channel="on_site").order_by("occurred_at")[::3]:
        Order.objects.get_or_create(account=visit.account, reference=f"HT-V{visit.pk}", defaults={
            "signed_on": visit.occurred_at.date() + timedelta(days=14), "amount": Decimal(150_000),
            "product": "维保服务 Maintenance"})


def seed_targets(*, users):
    """K-53: this month's targets for the east team, so the targets page has progress to show."""
    from django.utils import timezone

    from reports.models import Target
    from users.models import Team

    month = timezone.localdate().replace(day=1)
    east = Team.objects.filter(supervisor=users["supervisor"]).first()
    for metric, value in [("visits", 20), ("conversions", 4), ("revenue", 2_000_000)]:
        Target.objects.get_or_create(month=month, metric=metric, team=east, tier=None, manager=None,
                                     defaults={"value": value, "set_by": users["supervisor"]})
    # One manager's own target, with the supervisor's corrective action after the first weeks (the "act").
    Target.objects.get_or_create(month=month, metric="visits", team=users["manager"].team, tier=None,
                                 manager=users["manager"],
                                 defaults={"value": 10, "set_by": users["supervisor"], "act_by": users["supervisor"],
                                           "act_at": timezone.now(),
                                           "act": "Two more on-site visits to A accounts before month end. "
                                                  "月底前再安排两次A级客户现场拜访。"})
    seed_quarterly_analysis(team=east, by=users["supervisor"])


def seed_quarterly_analysis(*, team, by):
    """K-23: the supervisor's written analysis of the last quarter, for the quarterly visit report."""
    from django.utils import timezone

    from reports.models import QuarterlyAnalysis
    from reports.visit_report import current_quarter, previous_quarter

    if team is None:
        return
    year, quarter = previous_quarter(*current_quarter(timezone.localdate()))
    QuarterlyAnalysis.objects.get_or_create(team=team, year=year, quarter=quarter, defaults={
        "written_by": by,
        "text": "Complaints were answered within 24 hours; two requests to finance ran late and are now "
                "chased weekly. Next quarter: meet every decision-maker of the A accounts on site.\n"
                "投诉均在24小时内答复；财务部的两项请求逾期，现已每周跟进。下季度：与所有A级客户的决策者现场会面。"})


# --- Plans, preparation and satisfaction (K-09, K-28, K-56) ----------------------------------------

BANK = [
    ("situation", "", "How do you plan and approve purchases of this kind today? 目前这类采购如何计划和审批？"),
    ("situation", "Manufacturing", "Which lines run at full capacity, and for how long? 哪些产线满负荷运转？"),
    ("problem", "", "Where does the current process cost you time or money? 现有流程在哪里耗时耗钱？"),
    ("problem", "Electronics", "How often do component shortages stop a line? 元器件短缺多久导致一次停线？"),
    ("implication", "", "What happens to your delivery promises when that goes wrong? 出问题时对交付承诺有何影响？"),
    ("implication", "Manufacturing", "What does an hour of unplanned downtime cost? 一小时非计划停机损失多少？"),
    ("need_payoff", "", "If that were solved, what would it be worth to you this year? 如果解决了，今年价值多少？"),
    ("need_payoff", "Electronics", "Who else gains if lead times are a week shorter? 交期缩短一周还有谁受益？"),
]
MONTH_TOPICS = [
    "Annual review and this year's goals 年度回顾与新年目标", "Spring Festival greetings, service check 春节慰问",
    "MES pilot scope with the CTO 与CTO确定MES试点范围", "Quarterly business review 季度业务回顾",
    "Plant visit with our engineers 工程师现场走访", "Pilot results to the decision-maker 向决策者汇报试点结果",
    "Mid-year satisfaction check 年中满意度回访", "Budget for next year with finance 与财务讨论明年预算",
    "Mid-Autumn care, roadmap preview 中秋关怀与路线图", "Proposal for the full rollout 全面推广方案",
    "Contract negotiation 合同谈判", "Year-end review and next year's plan 年终回顾与明年计划",
]


def seed_plans(*, users, accounts):
    """An approved plan with its year of visits, actions and reviews; a draft plan; a question
    bank; a prepared visit; surveys with a low score turned into an issue; a referral."""
    from django.utils import timezone

    from plans import services as plan_services
    from plans.models import AccountPlan, BankQuestion

    today = timezone.localdate()
    bank = []
    for category, industry, text in BANK:
        question, _ = BankQuestion.objects.get_or_create(industry=industry, text=text, defaults={
            "category": category, "created_by": users["admin"]})
        bank.append(question)
    oriental, huaxia = _account(accounts, "东方电子"), _account(accounts, "华夏制造")
    if not AccountPlan.objects.filter(account=oriental, year=today.year).exists():
        _seed_approved_plan(oriental, users, bank, today)
    if not AccountPlan.objects.filter(account=huaxia, year=today.year).exists():
        plan = plan_services.plan_create(
            account=huaxia, by=users["manager"], year=today.year,
            vision="Win the second plant's MES 拿下二厂MES项目",
            strategy="Reference visit to Oriental Electronics 安排东方电子参观")
        plan_services.goal_save(plan=plan, by=users["manager"], kind="coverage", title="Meet all four roles",
                                target_count=4)
        plan_services.plan_schedule(plan=plan, by=users["manager"], rows=[
            {"month": m, "planned_on": None, "topics": MONTH_TOPICS[m.month - 1], "roles": [DM]}
            for m in plan.months()[today.month - 1:]])
    _seed_satisfaction(accounts, users, today)


def _seed_approved_plan(account, users, bank, today):
    from plans import services as plan_services
    from visits.models import Visit

    manager = users["manager"]
    plan = plan_services.plan_create(
        account=account, by=manager, year=today.year,
        vision="From price-sensitive supplier to their MES partner 从价格敏感型供应商成为MES合作伙伴",
        strategy="MES pilot on line 3, then the full rollout 先在三号线试点MES，再全面推广",
        risks="A competitor offers 15% lower prices 竞争对手报价低15%",
        satisfaction_actions="Quarterly service review with the production manager 每季度与生产经理回顾服务")
    for kind, title, measure in [
        ("revenue", "Revenue 营收", {"target_amount": Decimal(3_000_000)}),
        ("product", "Introduce MES 导入MES", {"target_text": "MES"}),
        ("relationship", "Personalised relationship 个性化关系", {"target_style": "personalised"}),
        ("coverage", "All four buyer roles known 四个角色全覆盖", {"target_count": 4}),
    ]:
        plan_services.goal_save(plan=plan, by=manager, kind=kind, title=title,
                                due_on=date(today.year, 12, 31), **measure)
    plan_services.plan_schedule(plan=plan, by=manager, rows=[
        {"month": m, "planned_on": m.replace(day=min(15, 28)), "topics": MONTH_TOPICS[m.month - 1],
         "roles": [DM, CO] if m.month % 3 == 0 else [US]} for m in plan.months()])
    for month, title, done in [(2, "Send the MES case study 发送MES案例", True),
                               (max(today.month - 1, 1), "Workshop with the CTO 与CTO开研讨会", False),
                               (12, "Renewal proposal 续约方案", False)]:
        action = plan_services.action_save(plan=plan, by=manager, title=title, owner=manager,
                                           due_on=date(today.year, month, 10))
        if done:
            plan_services.action_done(action=action, by=manager, done_on=date(today.year, month, 8))
    for month in plan.months()[:today.month - 1]:
        plan_services.plan_review_note(plan=plan, by=manager, month=month,
                                       note="On plan; the CTO is warming up 按计划推进，CTO态度转暖")
    plan_services.plan_approve(plan=plan, by=users["supervisor"])
    planned = plan.planned_visits.get(month=today.replace(day=1))
    plan_services.planned_visit_prepare(
        planned=planned, by=manager, objective="Agree the pilot's success criteria 确定试点验收标准",
        contacts=list(account.contacts.filter(status="active")[:2]), materials="Pilot report 试点报告",
        gift="Tea from Hangzhou 杭州龙井", self_check={"coach": "孙助理 Sun: how the board sees the budget"})
    plan_services.outline_add(planned=planned, by=manager, bank_questions=bank[::2])
    held = Visit.objects.filter(account=account, preparation__isnull=True,
                                log_month=today.replace(day=1)).first()
    if held:
        plan_services.planned_visit_link(planned=planned, visit=held, by=manager)
        first = planned.questions.first()
        plan_services.outline_answers(planned=planned, by=manager,
                                      answers={first.pk: "Purchases over 1M go to the board 超百万需董事会审批"})


def _seed_satisfaction(accounts, users, today):
    from plans import services as plan_services
    from plans.models import Referral, SatisfactionSurvey

    scores = {"东方电子": [5, 4, 5, 4, 5, 5], "南方分销": [4, 3, 4, 5], "长江医药": [4, 3, 2]}
    for prefix, account_scores in scores.items():
        account = _account(accounts, prefix)
        if SatisfactionSurvey.objects.filter(account=account).exists():
            continue
        for months_ago, score in enumerate(reversed(account_scores)):
            plan_services.survey_record(
                account=account, by=account.owner, taken_on=today - timedelta(days=30 * months_ago + 3),
                respondent="采购部 Purchasing", score=score,
                comments="交付及时 On time" if score >= 4 else "响应慢 Slow to respond")
    oriental = _account(accounts, "东方电子")
    if not Referral.objects.filter(account=oriental).exists():
        survey = oriental.satisfaction_surveys.order_by("-taken_on").first()
        referral = plan_services.referral_ask(account=oriental, by=users["manager"], survey=survey,
                                              asked_on=today - timedelta(days=20))
        plan_services.referral_update(referral=referral, by=users["manager"], status="received",
                                      brought_account=_account(accounts, "新星科技"),
                                      note="周总 introduced their CTO 周总介绍了对方CTO")


# --- Departments (X-02, K-22, K-27): a service department, its queue in every state ---------------

def seed_departments(*, users, accounts):
    """Routed issues waiting, accepted, answered, resolved, told to the customer and overdue, and
    green-channel requests in each stage, on 东方电子 (li's). Seeding twice makes nothing new."""
    from django.utils import timezone

    from users.models import Department
    from visits import services as visit_services
    from visits.models import CustomerIssue

    service = Department.objects.get(code="service")
    if CustomerIssue.objects.filter(department=service).exists():
        return
    manager, member = users["manager"], users["service"]
    account = _account(accounts, "东方电子")
    visit = visit_services.visit_log(
        account=account, by=manager, channel="on_site", occurred_at=timezone.now() - timedelta(hours=3),
        purpose="季度回顾 Quarterly review", summary="客户提出了几个需要售后跟进的问题。Several points for service.",
        issues=[{"kind": kind, "description": text, "department": service} for kind, text in [
            ("complaint", "二号线设备异响 Line 2 machine is noisy"),
            ("request", "需要备件报价 Wants a spare-parts quote"),
            ("complaint", "发票抬头错误 Invoice header is wrong"),
            ("request", "培训新操作员 Train the new operators"),
            ("complaint", "上门维修迟到 The repair visit came late"),
            ("complaint", "系统升级后报表缺失 Reports missing after the upgrade"),
        ]])
    waiting, accepted, answered, resolved, informed, overdue = visit.issues.order_by("pk")
    for issue in (accepted, answered, resolved, informed):
        visit_services.issue_accept(issue=issue, by=member)
    visit_services.issue_reply(issue=answered, by=member, note="下周二安排培训 Training next Tuesday; OK?")
    for issue in (resolved, informed):
        visit_services.issue_resolve(issue=issue, by=member, resolution="已上门处理 Fixed on site.")
    visit_services.issue_inform(issue=informed, by=manager, note="电话告知周总 Told Mr Zhou by phone.")
    # A day apart, so that no two reply-due events of the calendar feed fall on one day; one overdue.
    for n, issue in enumerate((waiting, accepted, answered, resolved, informed)):
        CustomerIssue.objects.filter(pk=issue.pk).update(due_at=issue.due_at + timedelta(days=n))
    CustomerIssue.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(hours=2))
    visit_services.green_request_create(account=account, by=manager, title="紧急备件 Urgent spare parts")
    dispatched = visit_services.green_request_create(account=account, by=manager, title="现场调试 On-site tuning")
    visit_services.green_request_dispatch(request=dispatched, by=manager, department=service)
    done = visit_services.green_request_create(account=account, by=manager, title="设备巡检 Equipment check")
    visit_services.green_request_dispatch(request=done, by=manager, department=service)
    visit_services.green_request_complete(request=done, by=member, note="巡检完成，一切正常 Checked, all fine.")

