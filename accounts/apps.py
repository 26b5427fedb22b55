from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "회원"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .sessionmember import row_written

        # A save or a delete of a member moves the version of their kept row; a queryset's
        # update does it itself (models.members.MemberQuerySet).
        post_save.connect(row_written, sender=self.get_model("User"), dispatch_uid="member-row-saved")
        post_delete.connect(row_written, sender=self.get_model("User"), dispatch_uid="member-row-deleted")
