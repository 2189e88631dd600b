"""The client against a small local HTTP server that answers as scripted: retries, errors, bodies.

Runs anywhere (no app needed): python3 -m unittest discover -s clients/python/tests
"""

import http.server
import json
import math
import os
import sys
import threading
import unittest
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import mlops_lifecycle as mlops  # noqa: E402


class Scripted(http.server.BaseHTTPRequestHandler):
    """Answers each POST with the next (status, headers, body) of the server's script; records requests."""

    def do_POST(self):  # noqa: N802 — http.server's naming
        length = int(self.headers.get("Content-Length", "0"))
        self.server.seen.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(self.rfile.read(length))})
        status, headers, body = self.server.script.pop(0) if self.server.script else (500, {}, {"error": "script_empty", "message": "", "field": None})
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


class OfflineTest(unittest.TestCase):
    def setUp(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
        self.server.seen = []
        self.server.script = []
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.client = mlops.Client(self.url, "mlops_test_token", backoff=0.01)

    def tearDown(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def answer(self, *steps):
        self.server.script.extend(steps)

    def test_a_run_is_posted_with_its_fields_and_token(self):
        self.answer((201, {}, {"id": 7, "label": "run #7"}))
        run = self.client.log_run("churn-model", {"val/auc": 0.91, "epochs": 3}, params={"lr": 0.01, "augment": True}, commit="abc123", url="https://mlflow.example.com/runs/1", tags={"branch": "main"})
        self.assertEqual(run["id"], 7)
        seen = self.server.seen[0]
        self.assertEqual(seen["path"], "/api/v1/projects/churn-model/runs")
        self.assertEqual(seen["headers"]["Authorization"], "Bearer mlops_test_token")
        self.assertEqual(seen["body"], {"metrics": {"val/auc": 0.91, "epochs": 3}, "params": {"lr": "0.01", "augment": "true"}, "tags": {"branch": "main"}, "commit": "abc123", "url": "https://mlflow.example.com/runs/1"})

    def test_a_retry_after_a_503_sends_the_same_idempotency_key(self):
        self.answer((503, {"Retry-After": "0"}, {"error": "unavailable", "field": None, "message": "The database is unavailable."}), (502, {}, b"bad gateway"), (201, {}, {"id": 1}))
        self.assertEqual(self.client.log_run("p", {"auc": 0.9})["id"], 1)
        keys = [s["headers"]["Idempotency-Key"] for s in self.server.seen]
        self.assertEqual(len(keys), 3)
        self.assertEqual(len(set(keys)), 1)
        self.assertTrue(keys[0].startswith("py-"))

    def test_two_calls_get_two_keys_and_a_given_key_is_used_as_is(self):
        self.answer((201, {}, {"id": 1}), (201, {}, {"id": 2}), (200, {}, {"id": 1}))
        self.client.log_run("p", {"auc": 0.9})
        self.client.log_run("p", {"auc": 0.9})
        self.client.log_run("p", {"auc": 0.9}, idempotency_key="ci-123-1")
        keys = [s["headers"]["Idempotency-Key"] for s in self.server.seen]
        self.assertNotEqual(keys[0], keys[1])
        self.assertEqual(keys[2], "ci-123-1")

    def test_a_400_raises_the_apis_error_at_once_without_retrying(self):
        self.answer((400, {}, {"error": "invalid_request", "field": "metrics.auc", "message": "metrics.auc: expected a number"}))
        with self.assertRaises(mlops.MlopsError) as caught:
            self.client.log_run("p", {"auc": 0.9})
        e = caught.exception
        self.assertEqual((e.status, e.error, e.field), (400, "invalid_request", "metrics.auc"))
        self.assertIn("expected a number", e.message)
        self.assertEqual(len(self.server.seen), 1)

    def test_retries_stop_after_the_limit_with_the_last_error(self):
        client = mlops.Client(self.url, "t", retries=2, backoff=0.01)
        self.answer(*[(429, {"Retry-After": "0"}, {"error": "rate_limited", "field": None, "message": "Too many requests"})] * 3)
        with self.assertRaises(mlops.MlopsError) as caught:
            client.log_run("p", {"auc": 0.9})
        self.assertEqual((caught.exception.status, caught.exception.error), (429, "rate_limited"))
        self.assertEqual(len(self.server.seen), 3)

    def test_an_unreachable_app_is_an_error_without_a_status(self):
        self.server.shutdown()
        self.server.server_close()
        self.server = None
        client = mlops.Client(self.url, "t", retries=1, backoff=0.01, timeout=2)
        with self.assertRaises(mlops.MlopsError) as caught:
            client.log_run("p", {"auc": 0.9})
        self.assertIsNone(caught.exception.status)
        self.assertEqual(caught.exception.error, "unreachable")

    def test_a_metric_that_is_not_a_finite_number_is_refused_before_sending(self):
        for bad in (math.nan, math.inf, "0.9", True, None):
            with self.assertRaises(mlops.MlopsError) as caught:
                self.client.log_run("p", {"auc": bad})
            self.assertEqual(caught.exception.field, "metrics.auc")
        self.assertEqual(self.server.seen, [])

    def test_a_batch_from_a_dict_of_lists_turns_nan_into_null(self):
        self.answer((201, {}, {"datasetDrift": False, "columns": []}))
        report = self.client.send_batch("p", {"age": [31, math.nan, 40], "plan": ["a", None, "b"]}, predictions=[0.1, 0.5, 0.9], timestamp="2026-03-01T10:00:00Z")
        self.assertFalse(report["datasetDrift"])
        body = self.server.seen[0]["body"]
        self.assertEqual(body, {"features": {"age": [31, None, 40], "plan": ["a", None, "b"]}, "predictions": [0.1, 0.5, 0.9], "timestamp": "2026-03-01T10:00:00Z"})
        self.assertIn("Idempotency-Key", self.server.seen[0]["headers"])

    def test_a_dataframe_like_table_sends_its_columns_and_takes_out_predictions_and_labels(self):
        # pandas is not installed here; this stands in for the part of a DataFrame the client uses
        # (.columns, df[col].tolist()), with a NaT-like cell that is unequal to itself.
        class NaT:
            def __ne__(self, other):
                return True

        class Series(list):
            def tolist(self):
                return list(self)

        class Frame:
            columns = ["age", "prediction", "label", "seen"]
            data = {"age": Series([1.5, 2.5]), "prediction": Series([0.2, 0.8]), "label": Series([0, 1]), "seen": Series([NaT(), "2026-01-01"])}

            def __getitem__(self, key):
                return self.data[key]

        self.answer((201, {}, {"referenceId": 1}))
        self.client.send_reference("p", Frame(), prediction_column="prediction", label_column="label", kinds={"age": "numeric"})
        self.assertEqual(self.server.seen[0]["body"], {"features": {"age": [1.5, 2.5], "seen": [None, "2026-01-01"]}, "predictions": [0.2, 0.8], "labels": [0, 1], "kinds": {"age": "numeric"}})

    def test_a_missing_prediction_column_is_named(self):
        with self.assertRaises(mlops.MlopsError) as caught:
            self.client.send_batch("p", {"age": [1]}, prediction_column="score")
        self.assertEqual(caught.exception.field, "predictions")
        self.assertIn("'score'", caught.exception.message)

    def test_settings_come_from_the_environment_and_the_token_is_never_shown(self):
        with mock.patch.dict(os.environ, {"MLOPS_URL": self.url + "/", "MLOPS_TOKEN": "mlops_secret"}):
            client = mlops.Client()
        self.assertEqual(client.url, self.url)
        self.assertNotIn("mlops_secret", repr(client))
        with mock.patch.dict(os.environ, {"MLOPS_URL": "", "MLOPS_TOKEN": ""}):
            with self.assertRaises(mlops.MlopsError) as caught:
                mlops.Client()
        self.assertEqual(caught.exception.error, "missing_url")
        with self.assertRaises(mlops.MlopsError):
            mlops.Client("ftp://example.com", "t")


if __name__ == "__main__":
    unittest.main()
