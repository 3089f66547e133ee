# Issue 8: length limits on the narrative fields people type (indicators/models/results.py explains the figures).
# Only the TextField limits (max_length for the forms' widgets, TextLimit for full_clean); no column type changes.

from django.db import migrations, models

import indicators.validators


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0006_policy_self_approval'),
    ]

    operations = [
        migrations.AlterField(
            model_name='externalscore',
            name='note_th',
            field=models.TextField(blank=True, max_length=2000, validators=[indicators.validators.TextLimit(2000)], verbose_name='หมายเหตุ'),
        ),
        migrations.AlterField(
            model_name='historicalexternalscore',
            name='note_th',
            field=models.TextField(blank=True, max_length=2000, validators=[indicators.validators.TextLimit(2000)], verbose_name='หมายเหตุ'),
        ),
        migrations.AlterField(
            model_name='historicalmilestonecompletion',
            name='evidence_th',
            field=models.TextField(blank=True, max_length=2000, validators=[indicators.validators.TextLimit(2000)], verbose_name='หลักฐาน'),
        ),
        migrations.AlterField(
            model_name='historicalresult',
            name='actions_th',
            field=models.TextField(blank=True, max_length=8000, validators=[indicators.validators.TextLimit(8000)], verbose_name='คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ'),
        ),
        migrations.AlterField(
            model_name='historicalresult',
            name='evidence_th',
            field=models.TextField(blank=True, max_length=2000, validators=[indicators.validators.TextLimit(2000)], verbose_name='หลักฐานอ้างอิง'),
        ),
        migrations.AlterField(
            model_name='historicalresult',
            name='obstacles_th',
            field=models.TextField(blank=True, max_length=4000, validators=[indicators.validators.TextLimit(4000)], verbose_name='อุปสรรคต่อการดำเนินงาน'),
        ),
        migrations.AlterField(
            model_name='historicalresult',
            name='review_comment_th',
            field=models.TextField(blank=True, max_length=2000, validators=[indicators.validators.TextLimit(2000)], verbose_name='ความเห็นของผู้กำกับดูแล'),
        ),
        migrations.AlterField(
            model_name='historicalresult',
            name='suggestions_th',
            field=models.TextField(blank=True, max_length=4000, validators=[indicators.validators.TextLimit(4000)], verbose_name='ข้อเสนอแนะ'),
        ),
        migrations.AlterField(
            model_name='historicalresult',
            name='supporting_factors_th',
            field=models.TextField(blank=True, max_length=4000, validators=[indicators.validators.TextLimit(4000)], verbose_name='ปัจจัยสนับสนุนต่อการดำเนินงาน'),
        ),
        migrations.AlterField(
            model_name='milestonecompletion',
            name='evidence_th',
            field=models.TextField(blank=True, max_length=2000, validators=[indicators.validators.TextLimit(2000)], verbose_name='หลักฐาน'),
        ),
        migrations.AlterField(
            model_name='result',
            name='actions_th',
            field=models.TextField(blank=True, max_length=8000, validators=[indicators.validators.TextLimit(8000)], verbose_name='คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ'),
        ),
        migrations.AlterField(
            model_name='result',
            name='evidence_th',
            field=models.TextField(blank=True, max_length=2000, validators=[indicators.validators.TextLimit(2000)], verbose_name='หลักฐานอ้างอิง'),
        ),
        migrations.AlterField(
            model_name='result',
            name='obstacles_th',
            field=models.TextField(blank=True, max_length=4000, validators=[indicators.validators.TextLimit(4000)], verbose_name='อุปสรรคต่อการดำเนินงาน'),
        ),
        migrations.AlterField(
            model_name='result',
            name='review_comment_th',
            field=models.TextField(blank=True, max_length=2000, validators=[indicators.validators.TextLimit(2000)], verbose_name='ความเห็นของผู้กำกับดูแล'),
        ),
        migrations.AlterField(
            model_name='result',
            name='suggestions_th',
            field=models.TextField(blank=True, max_length=4000, validators=[indicators.validators.TextLimit(4000)], verbose_name='ข้อเสนอแนะ'),
        ),
        migrations.AlterField(
            model_name='result',
            name='supporting_factors_th',
            field=models.TextField(blank=True, max_length=4000, validators=[indicators.validators.TextLimit(4000)], verbose_name='ปัจจัยสนับสนุนต่อการดำเนินงาน'),
        ),
    ]
