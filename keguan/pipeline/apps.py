from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "keguan.pipeline"
    label = "pipeline"
    verbose_name = "梯队培育"

    def ready(self) -> None:
        # The registry's hooks: the records follow a firm that moves, and a firm with records takes its stage
        # from them.
        from keguan.core.lists import BatchAction, add_batch_action
        from keguan.enterprises import hooks

        from .services import follow_move
        from .stages import stage_lock, stage_locks

        hooks.register_on_move(follow_move)
        hooks.register_stage_lock(stage_lock, many=stage_locks)
        # 加入培育库 over the firms ticked on the enterprise list (keguan.core.lists).
        # 高企 batches in the 申报日历 of 科技项目 (keguan.core.calendar), whose areas do not import each other.
        from keguan.core.calendar import register_windows

        from .calendar import hnte_windows

        register_windows("pipeline.hnte", hnte_windows)
        add_batch_action("enterprises", BatchAction("pool", "加入培育库", "pipeline:pool_batch", "pipeline.write", "inboxes"))
