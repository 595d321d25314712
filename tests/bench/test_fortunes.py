"""The peer app that `make bench` compares the portal with answers as the TechEmpower specification says.

Run in a process of its own (its settings are not the portal's), on a SQLite file, through Django's test client.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The specification's page (FrameworkBenchmarks toolset/test_types/fortune), in Django's escaping: &#x27; for the
# apostrophe and &quot; for the quote are among the forms its validator accepts.
EXPECTED_FORTUNES = """<!DOCTYPE html>
<html>
<head><title>Fortunes</title></head>
<body>
<table>
<tr><th>id</th><th>message</th></tr>
<tr><td>11</td><td>SCRIPT</td></tr>
<tr><td>4</td><td>A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1</td></tr>
<tr><td>5</td><td>A computer program does what you tell it to do, not what you want it to do.</td></tr>
<tr><td>2</td><td>A computer scientist is someone who fixes things that aren&#x27;t broken.</td></tr>
<tr><td>8</td><td>A list is only as strong as its weakest link. — Donald Knuth</td></tr>
<tr><td>0</td><td>Additional fortune added at request time.</td></tr>
<tr><td>3</td><td>After enough decimal places, nobody gives a damn.</td></tr>
<tr><td>7</td><td>Any program that runs right is obsolete.</td></tr>
<tr><td>10</td><td>Computers make very fast, very accurate mistakes.</td></tr>
<tr><td>6</td><td>Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen</td></tr>
<tr><td>9</td><td>Feature: A bug with seniority.</td></tr>
<tr><td>1</td><td>fortune: No such file or directory</td></tr>
<tr><td>12</td><td>フレームワークのベンチマーク</td></tr>
</table>
</body>
</html>
""".replace(
    "SCRIPT", "&lt;script&gt;alert(&quot;This should not be displayed in a browser alert box.&quot;);&lt;/script&gt;"
)

CLIENT = """
import json
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

client = Client()
answers = {}
for path in ("/fortunes", "/plaintext"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    answers[path] = {
        "status": response.status_code,
        "type": response["Content-Type"],
        "body": response.content.decode(),
        "queries": len(queries),
    }
print(json.dumps(answers))
"""


def test_fortunes_and_plaintext_answer_as_the_specification_says(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.fortunes.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fortunes.sqlite3'}",
    }
    subprocess.run([sys.executable, "-m", "bench.fortunes.prepare"], cwd=ROOT, env=env, check=True)
    output = subprocess.run(
        [sys.executable, "-c", CLIENT], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    answers = json.loads(output)

    fortunes = answers["/fortunes"]
    assert fortunes["status"] == 200
    assert fortunes["type"] == "text/html; charset=utf-8"
    assert fortunes["body"] == EXPECTED_FORTUNES
    assert fortunes["queries"] == 1

    plaintext = answers["/plaintext"]
    assert (plaintext["status"], plaintext["body"], plaintext["queries"]) == (200, "Hello, World!", 0)
    assert plaintext["type"] == "text/plain"
