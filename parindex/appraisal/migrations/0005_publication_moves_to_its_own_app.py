"""Publication now lives in the publication app (see publication.0001_initial): state only.

``database_operations=[]``: the table ``appraisal_publication`` and its rows stay where they are;
the publication app's model points at it with ``Meta.db_table``.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("appraisal", "0004_alter_explanationevidence_options"),
        ("publication", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Publication")],
            database_operations=[],
        ),
    ]
