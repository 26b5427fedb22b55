# 쪽지: messages, 차단, the unread count on the member's row.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_nickname_changed_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='unread_message_count',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='읽지 않은 쪽지'),
        ),
        migrations.CreateModel(
            name='Message',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.TextField(verbose_name='내용')),
                ('created_at', models.DateTimeField(db_index=True, verbose_name='보낸 시각')),
                ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='읽은 시각')),
                ('sender_deleted', models.BooleanField(default=False, verbose_name='보낸 쪽지함에서 삭제')),
                ('recipient_deleted', models.BooleanField(default=False, verbose_name='받은 쪽지함에서 삭제')),
                ('reported_at', models.DateTimeField(blank=True, null=True, verbose_name='신고 시각')),
                ('report_reason', models.CharField(blank=True, max_length=500, verbose_name='신고 사유')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='received_messages', to=settings.AUTH_USER_MODEL, verbose_name='받는 회원')),
                ('sender', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sent_messages', to=settings.AUTH_USER_MODEL, verbose_name='보낸 회원')),
            ],
            options={
                'verbose_name': '쪽지',
                'verbose_name_plural': '쪽지',
            },
        ),
        migrations.CreateModel(
            name='MessageBlock',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='차단일')),
                ('blocked', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='차단된 회원')),
                ('blocker', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='message_blocks', to=settings.AUTH_USER_MODEL, verbose_name='차단한 회원')),
            ],
            options={
                'verbose_name': '쪽지 차단',
                'verbose_name_plural': '쪽지 차단',
            },
        ),
        migrations.AddIndex(
            model_name='message',
            index=models.Index(condition=models.Q(('recipient_deleted', False)), fields=['recipient', '-id'], name='message_inbox_idx'),
        ),
        migrations.AddIndex(
            model_name='message',
            index=models.Index(condition=models.Q(('sender_deleted', False)), fields=['sender', '-id'], name='message_sent_idx'),
        ),
        migrations.AddConstraint(
            model_name='messageblock',
            constraint=models.UniqueConstraint(fields=('blocker', 'blocked'), name='message_block_unique'),
        ),
        migrations.AddConstraint(
            model_name='messageblock',
            constraint=models.CheckConstraint(condition=models.Q(('blocker', models.F('blocked')), _negated=True), name='message_block_not_self'),
        ),
    ]
