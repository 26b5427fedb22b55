# 알림: notifications, their unread count and the kinds a member switched off.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_private_messages'),
        ('board', '0016_search_stop_words'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='muted_notifications',
            field=models.JSONField(blank=True, default=list, editable=False, verbose_name='받지 않는 알림'),
        ),
        migrations.AddField(
            model_name='user',
            name='unread_notification_count',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='읽지 않은 알림'),
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('reply_post', '내 글에 달린 댓글'), ('reply_comment', '내 댓글에 달린 답글'), ('mention', '나를 언급한 글·댓글'), ('moderation', '운영진이 내 글·댓글을 숨기거나 복원'), ('message', '새 쪽지')], max_length=20, verbose_name='종류')),
                ('text', models.CharField(max_length=200, verbose_name='내용')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='시각')),
                ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='읽은 시각')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='한 회원')),
                ('comment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='board.comment')),
                ('message', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='notifications', to='accounts.message')),
                ('post', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='board.post')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='받는 회원')),
            ],
            options={
                'verbose_name': '알림',
                'verbose_name_plural': '알림',
            },
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['recipient', '-id'], name='notification_list_idx'),
        ),
    ]
