"""The default pipeline (X-03); admins rename, reorder, reweigh and add stages.

Used by migration 0002 (with historical models), by seed_demo and by the tests' fixture,
which put it back on a database that has none (e.g. after a flush)."""

# name_en, 简体中文, 繁體中文, position, probability, kind
STAGES = [
    ("Lead", "线索", "線索", 10, 10, "open"),
    ("Qualified", "已确认", "已確認", 20, 25, "open"),
    ("Proposal", "方案", "方案", 30, 50, "open"),
    ("Tender", "投标", "投標", 40, 60, "tender"),
    ("Negotiation", "谈判", "談判", 50, 80, "open"),
    ("Won", "赢单", "贏單", 60, 100, "won"),
    ("Lost", "输单", "輸單", 70, 0, "lost"),
]


def ensure_default_stages(stage_model=None):
    """The default stages, unless the pipeline already has some. Returns {name_en: stage}."""
    if stage_model is None:
        from opportunities.models import Stage as stage_model
    if not stage_model.objects.exists():
        stage_model.objects.bulk_create([
            stage_model(name_en=en, name_zh_hans=hans, name_zh_hant=hant, position=position,
                        probability=probability, kind=kind)
            for en, hans, hant, position, probability, kind in STAGES])
    return {stage.name_en: stage for stage in stage_model.objects.all()}
