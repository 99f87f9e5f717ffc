"""A first set of lost reasons and objection types (K-52), for admins to change."""

from django.db import migrations

LOST_REASONS = [
    ("Price", "价格", "價格"),
    ("Service quality", "服务质量", "服務品質"),
    ("A competitor won", "被竞争对手夺走", "被競爭對手奪走"),
    ("The need ended", "需求结束", "需求結束"),
    ("Company closed, merged or moved", "公司关闭、合并或迁移", "公司關閉、合併或遷移"),
    ("Lost contact with the decision-maker", "失去与决策者的联系", "失去與決策者的聯繫"),
]
OBJECTIONS = [
    ("Price too high", "价格太高", "價格太高"),
    ("Product or quality does not fit", "产品或质量不合适", "產品或品質不合適"),
    ("No trust in us", "对我们缺乏信任", "對我們缺乏信任"),
    ("No budget or wrong timing", "没有预算或时机不对", "沒有預算或時機不對"),
    ("Prefers a competitor", "更倾向竞争对手", "更傾向競爭對手"),
    ("None raised", "未提出异议", "未提出異議"),
]


def add(apps, schema_editor):
    for model_name, rows in (("LostReason", LOST_REASONS), ("ObjectionType", OBJECTIONS)):
        model = apps.get_model("accounts", model_name)
        for position, (en, hans, hant) in enumerate(rows, start=1):
            model.objects.get_or_create(name_en=en, defaults={
                "name_zh_hans": hans, "name_zh_hant": hant, "position": position})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_lost_reasons_objection_types")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
