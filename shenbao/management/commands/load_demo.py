from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "加载演示数据（2018 年扬州通知、申报批次与演示账户）。可重复运行；生产环境拒绝执行。"

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("生产环境（SHENBAO_ENV=production）不加载演示数据与演示账户。")
        from accounts import demo as accounts_demo
        from applications import demo as applications_demo
        from enterprises import demo as enterprises_demo
        from evaluation import demo as evaluation_demo
        from programmes import demo as programmes_demo
        from reviews import demo as reviews_demo

        # Order matters: each step builds on the previous one. Every step is idempotent.
        with transaction.atomic():
            accounts_demo.load()
            programmes_demo.load()
            enterprises_demo.load()
            applications_demo.load()
            reviews_demo.load()
            evaluation_demo.load()
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已就绪。演示账户密码：{accounts_demo.DEMO_PASSWORD}；"
                f"审核、评审和管理账户的两步验证密钥（TOTP，base32）：{accounts_demo.DEMO_TOTP_SECRET}"
            )
        )
