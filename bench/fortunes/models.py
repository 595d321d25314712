from django.db import models

# The specification's 12 rows (the <script> one must come out escaped, the Japanese one as UTF-8).
MESSAGES = [
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. — Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    '<script>alert("This should not be displayed in a browser alert box.");</script>',
    "フレームワークのベンチマーク",
]


class Fortune(models.Model):
    # The specification's table: "Fortune" with the columns id and message.
    message = models.CharField(max_length=2048)

    class Meta:
        db_table = "Fortune"

    def __str__(self):
        return self.message


def seed():
    """The table holds exactly the specification's rows, ids 1–12."""
    Fortune.objects.all().delete()
    Fortune.objects.bulk_create(Fortune(id=number, message=message) for number, message in enumerate(MESSAGES, 1))
