from django.db import migrations


def install(apps, schema_editor):
    from screening.defaults import install_default_templates

    install_default_templates(apps.get_model("screening", "FormTemplate"))


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
