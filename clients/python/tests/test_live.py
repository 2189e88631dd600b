"""The client against a running app: skipped unless MLOPS_TEST_URL, MLOPS_TEST_TOKEN and MLOPS_TEST_SLUG are set.

test/e2e/python-client.test.ts starts the app on a fresh database, makes a project and its token
through /mlops token, runs these, and then checks what reached the database and Slack.
"""

import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import mlops_lifecycle as mlops  # noqa: E402

URL = os.environ.get("MLOPS_TEST_URL")
TOKEN = os.environ.get("MLOPS_TEST_TOKEN")
SLUG = os.environ.get("MLOPS_TEST_SLUG")


@unittest.skipUnless(URL and TOKEN and SLUG, "no running app (set MLOPS_TEST_URL, MLOPS_TEST_TOKEN, MLOPS_TEST_SLUG)")
class LiveTest(unittest.TestCase):
    def setUp(self):
        self.client = mlops.Client(URL, TOKEN, backoff=0.05)

    def test_log_run_stores_the_run_and_a_replay_returns_it(self):
        run = self.client.log_run(SLUG, {"val/auc": 0.912, "loss-ce": 0.31}, params={"lr": 0.01, "layers": 4}, dataset="s3://bucket/train-2026-11", commit="0123abcd", url="https://mlflow.example.com/#/runs/42", name="py-client-run", note="from the Python client", tags={"branch": "main"}, idempotency_key="py-live-1")
        self.assertEqual(run["name"], "py-client-run")
        self.assertEqual(run["metrics"], {"val/auc": 0.912, "loss-ce": 0.31})
        self.assertEqual(run["params"], {"lr": "0.01", "layers": "4"})
        again = self.client.log_run(SLUG, {"val/auc": 0.912, "loss-ce": 0.31}, params={"lr": 0.01, "layers": 4}, dataset="s3://bucket/train-2026-11", commit="0123abcd", url="https://mlflow.example.com/#/runs/42", name="py-client-run", note="from the Python client", tags={"branch": "main"}, idempotency_key="py-live-1")
        self.assertEqual(again["id"], run["id"])

    def test_the_same_key_with_another_body_is_a_conflict(self):
        self.client.log_run(SLUG, {"val/auc": 0.5}, idempotency_key="py-live-2")
        with self.assertRaises(mlops.MlopsError) as caught:
            self.client.log_run(SLUG, {"val/auc": 0.6}, idempotency_key="py-live-2")
        self.assertEqual((caught.exception.status, caught.exception.error, caught.exception.field), (409, "idempotency_conflict", "Idempotency-Key"))

    def test_the_apis_refusal_names_the_field(self):
        with self.assertRaises(mlops.MlopsError) as caught:
            self.client.log_run(SLUG, {"auc": 0.9}, url="javascript:alert(1)")
        self.assertEqual((caught.exception.status, caught.exception.field), (400, "url"))

    def test_a_wrong_token_is_refused(self):
        with self.assertRaises(mlops.MlopsError) as caught:
            mlops.Client(URL, "mlops_wrong_token").log_run(SLUG, {"auc": 0.9})
        self.assertEqual(caught.exception.status, 401)

    def test_a_reference_and_a_drifted_batch_give_a_report_that_drifts(self):
        rng = random.Random(7)
        reference = {"age": [rng.gauss(40, 5) for _ in range(300)], "plan": [rng.choice(["basic", "pro"]) for _ in range(300)]}
        stored = self.client.send_reference(SLUG, reference, predictions=[rng.random() for _ in range(300)])
        self.assertEqual(stored["rows"], 300)
        batch = {"age": [rng.gauss(55, 5) for _ in range(300)] + [float("nan")], "plan": [rng.choice(["basic", "pro"]) for _ in range(301)]}
        report = self.client.send_batch(SLUG, batch, timestamp="2026-11-30T10:00:00Z")
        drifted = [c["name"] for c in report["columns"] if c["drifted"]]
        self.assertIn("age", drifted)
        self.assertNotIn("plan", drifted)


if __name__ == "__main__":
    unittest.main()
