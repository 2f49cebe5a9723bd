"""boto3 and the AWS CLI against asl-server, as users drive Step Functions.

Run by asl-server/tests/clients.rs (which makes the virtualenv), or by hand:

    python3 -m venv /tmp/v && /tmp/v/bin/pip install boto3 awscli
    ASL_SERVER_BIN=target/debug/asl-server /tmp/v/bin/python asl-server/tests/api/test_api.py

The server is started on a free loopback port; its endpoint is read from its first stdout line.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import boto3
import botocore.config
import botocore.exceptions

ROLE = "arn:aws:iam::123456789012:role/service-role/StepFunctions"
PREFIX = "arn:aws:states:us-east-1:123456789012"
PASS = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
SUCCEED = json.dumps({"StartAt": "B", "States": {"B": {"Type": "Succeed"}}})
# The CLI must not read a developer's own configuration (profiles, pagers, endpoints).
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_PAGER": "",
}


class Server:
    def __init__(self, *args):
        self.dir = tempfile.TemporaryDirectory()
        binary = os.environ["ASL_SERVER_BIN"]
        self.proc = subprocess.Popen(
            [binary, "--port", "0", "--db", "sqlite:" + os.path.join(self.dir.name, "db.sqlite"), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=self.dir.name,
        )
        line = self.proc.stdout.readline()
        if "listening on " not in line:
            self.proc.kill()
            raise RuntimeError("asl-server did not start: %r %s" % (line, self.proc.stderr.read()))
        self.endpoint = line.split("listening on ", 1)[1].strip()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.dir.cleanup()


def client(endpoint, **config):
    return boto3.client(
        "stepfunctions",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        # One attempt: a retry would hide what the server answered first.
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}, **config),
    )


def raw(endpoint, target, body, headers=None):
    """An unsigned request with any body: what botocore's own checks would not let through."""
    h = {"Content-Type": "application/x-amz-json-1.0"}
    if target is not None:
        h["X-Amz-Target"] = target
    h.update(headers or {})
    req = urllib.request.Request(endpoint + "/", data=body, headers=h, method="POST")
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def code_of(body):
    """The error code as botocore reads it: `__type` after the last '#'."""
    return body["__type"].rsplit("#", 1)[-1]


class Boto3(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.sfn = client(cls.server.endpoint)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def assertError(self, code, fn, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kwargs)
        self.assertEqual(cm.exception.response["Error"]["Code"], code, cm.exception.response)
        return cm.exception.response

    def test_state_machine_lifecycle(self):
        sfn = self.sfn
        created = sfn.create_state_machine(name="Orders", definition=PASS, roleArn=ROLE, tags=[{"key": "team", "value": "core"}])
        arn = created["stateMachineArn"]
        self.assertEqual(arn, PREFIX + ":stateMachine:Orders")
        # boto3 turns the epoch-seconds number into a datetime.
        self.assertEqual(created["creationDate"].year >= 2024, True)

        d = sfn.describe_state_machine(stateMachineArn=arn)
        self.assertEqual((d["name"], d["type"], d["status"], d["definition"], d["roleArn"]), ("Orders", "STANDARD", "ACTIVE", PASS, ROLE))
        self.assertEqual(d["loggingConfiguration"]["level"], "OFF")

        u = sfn.update_state_machine(stateMachineArn=arn, definition=SUCCEED, publish=True, versionDescription="first")
        self.assertEqual(u["stateMachineVersionArn"], arn + ":1")
        self.assertEqual(sfn.describe_state_machine(stateMachineArn=arn)["definition"], SUCCEED)
        self.assertEqual(sfn.describe_state_machine(stateMachineArn=arn + ":1")["description"], "first")
        sfn.update_state_machine(stateMachineArn=arn, definition=PASS)
        v2 = sfn.publish_state_machine_version(stateMachineArn=arn, description="second")
        self.assertEqual(v2["stateMachineVersionArn"], arn + ":2")
        versions = [v["stateMachineVersionArn"] for v in sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"]]
        self.assertEqual(versions, [arn + ":2", arn + ":1"])

        routing = [{"stateMachineVersionArn": arn + ":2", "weight": 100}]
        alias = sfn.create_state_machine_alias(name="live", routingConfiguration=routing, description="traffic")
        self.assertEqual(alias["stateMachineAliasArn"], arn + ":live")
        da = sfn.describe_state_machine_alias(stateMachineAliasArn=arn + ":live")
        self.assertEqual((da["name"], da["routingConfiguration"]), ("live", routing))
        self.assertError("ConflictException", sfn.delete_state_machine_version, stateMachineVersionArn=arn + ":2")
        self.assertError(
            "ValidationException",
            sfn.update_state_machine_alias,
            stateMachineAliasArn=arn + ":live",
            routingConfiguration=[{"stateMachineVersionArn": arn + ":1", "weight": 60}],
        )
        sfn.update_state_machine_alias(stateMachineAliasArn=arn + ":live", routingConfiguration=[{"stateMachineVersionArn": arn + ":1", "weight": 100}])
        aliases = sfn.list_state_machine_aliases(stateMachineArn=arn)["stateMachineAliases"]
        self.assertEqual([a["stateMachineAliasArn"] for a in aliases], [arn + ":live"])
        sfn.delete_state_machine_alias(stateMachineAliasArn=arn + ":live")
        sfn.delete_state_machine_version(stateMachineVersionArn=arn + ":2")

        sfn.delete_state_machine(stateMachineArn=arn)
        self.assertError("StateMachineDoesNotExist", sfn.describe_state_machine, stateMachineArn=arn)

    def test_list_state_machines_paginates(self):
        names = ["Page%02d" % i for i in range(7)]
        for n in names:
            self.sfn.create_state_machine(name=n, definition=PASS, roleArn=ROLE, type="EXPRESS")
        pages = list(self.sfn.get_paginator("list_state_machines").paginate(PaginationConfig={"PageSize": 3}))
        listed = [m["name"] for p in pages for m in p["stateMachines"] if m["name"].startswith("Page")]
        self.assertEqual(listed, names)
        self.assertGreaterEqual(len(pages), 3)
        self.assertTrue(all(m["type"] == "EXPRESS" for p in pages for m in p["stateMachines"] if m["name"].startswith("Page")))
        self.assertError("InvalidToken", self.sfn.list_state_machines, nextToken="garbage")
        for n in names:
            self.sfn.delete_state_machine(stateMachineArn=PREFIX + ":stateMachine:" + n)

    def test_activities(self):
        sfn = self.sfn
        arn = sfn.create_activity(name="Approve")["activityArn"]
        self.assertEqual(arn, PREFIX + ":activity:Approve")
        self.assertEqual(sfn.create_activity(name="Approve")["activityArn"], arn)
        self.assertEqual(sfn.describe_activity(activityArn=arn)["name"], "Approve")
        self.assertIn(arn, [a["activityArn"] for a in sfn.list_activities()["activities"]])
        sfn.delete_activity(activityArn=arn)
        self.assertError("ActivityDoesNotExist", sfn.describe_activity, activityArn=arn)

    def test_tags(self):
        sfn = self.sfn
        arn = sfn.create_activity(name="Tagged", tags=[{"key": "a", "value": "1"}])["activityArn"]
        sfn.tag_resource(resourceArn=arn, tags=[{"key": "b", "value": "2"}, {"key": "a", "value": "3"}])
        self.assertEqual(sfn.list_tags_for_resource(resourceArn=arn)["tags"], [{"key": "a", "value": "3"}, {"key": "b", "value": "2"}])
        sfn.untag_resource(resourceArn=arn, tagKeys=["a"])
        self.assertEqual(sfn.list_tags_for_resource(resourceArn=arn)["tags"], [{"key": "b", "value": "2"}])
        self.assertError("TooManyTags", sfn.tag_resource, resourceArn=arn, tags=[{"key": "k%d" % i, "value": ""} for i in range(51)])
        self.assertError("ResourceNotFound", sfn.list_tags_for_resource, resourceArn=PREFIX + ":activity:Nope")
        sfn.delete_activity(activityArn=arn)

    def test_modeled_errors(self):
        sfn = self.sfn
        # boto3's modeled exception classes match on the code: the __type parsed right.
        with self.assertRaises(sfn.exceptions.StateMachineDoesNotExist):
            sfn.describe_state_machine(stateMachineArn=PREFIX + ":stateMachine:Nope")
        with self.assertRaises(sfn.exceptions.InvalidArn):
            sfn.describe_state_machine(stateMachineArn="not-an-arn")
        with self.assertRaises(sfn.exceptions.InvalidArn):
            sfn.describe_execution(executionArn=PREFIX + ":activity:Approve")
        with self.assertRaises(sfn.exceptions.InvalidName):
            sfn.create_state_machine(name="has space", definition=PASS, roleArn=ROLE)
        with self.assertRaises(sfn.exceptions.InvalidDefinition) as cm:
            sfn.create_state_machine(name="Broken", definition='{"StartAt":"Nowhere","States":{"A":{"Type":"Pass","End":true}}}', roleArn=ROLE)
        self.assertIn("/StartAt", cm.exception.response["Error"]["Message"])
        self.assertError("ValidationException", sfn.create_state_machine, name="x" * 81, definition=PASS, roleArn=ROLE)
        v = sfn.validate_state_machine_definition(definition="{")
        self.assertEqual((v["result"], v["diagnostics"][0]["code"]), ("FAIL", "INVALID_JSON_DESCRIPTION"))

    def wait_for(self, arn, status):
        for _ in range(200):
            d = self.sfn.describe_execution(executionArn=arn)
            if d["status"] == status:
                return d
            time.sleep(0.05)
        self.fail("%s never became %s: %s" % (arn, status, d))

    def test_execution_errors(self):
        sfn = self.sfn
        arn = sfn.create_state_machine(name="Runs", definition=PASS, roleArn=ROLE)["stateMachineArn"]
        with self.assertRaises(sfn.exceptions.InvalidExecutionInput):
            sfn.start_execution(stateMachineArn=arn, input="{not json")
        resp = self.assertError("ValidationException", sfn.start_execution, stateMachineArn=arn, input=json.dumps({"x": "y" * (256 * 1024)}))
        self.assertIn("262144", resp["Error"]["Message"])
        with self.assertRaises(sfn.exceptions.InvalidName):
            sfn.start_execution(stateMachineArn=arn, name="has space")
        with self.assertRaises(sfn.exceptions.StateMachineDoesNotExist):
            sfn.start_execution(stateMachineArn=PREFIX + ":stateMachine:Nope")
        with self.assertRaises(sfn.exceptions.ExecutionDoesNotExist):
            sfn.describe_execution(executionArn=PREFIX + ":execution:Runs:never")
        with self.assertRaises(sfn.exceptions.ExecutionDoesNotExist):
            sfn.get_execution_history(executionArn=PREFIX + ":execution:Runs:never")
        done = sfn.start_execution(stateMachineArn=arn, name="one", input='{"a":1}')
        self.assertEqual(done["executionArn"], PREFIX + ":execution:Runs:one")
        d = self.wait_for(done["executionArn"], "SUCCEEDED")
        self.assertEqual((json.loads(d["output"]), d["stateMachineArn"], d["name"]), ({"a": 1}, arn, "one"))
        # A finished execution's name is taken, whatever the input.
        with self.assertRaises(sfn.exceptions.ExecutionAlreadyExists):
            sfn.start_execution(stateMachineArn=arn, name="one", input='{"a":1}')
        with self.assertRaises(sfn.exceptions.TaskDoesNotExist):
            sfn.send_task_success(taskToken="no-such-token", output="{}")
        with self.assertRaises(sfn.exceptions.InvalidOutput):
            sfn.send_task_success(taskToken="no-such-token", output="{nope")
        self.assertEqual(sfn.describe_state_machine_for_execution(executionArn=done["executionArn"])["definition"], PASS)
        with self.assertRaises(sfn.exceptions.ExecutionNotRedrivable) as cm:
            sfn.redrive_execution(executionArn=done["executionArn"])
        self.assertIn("SUCCEEDED", cm.exception.response["Error"]["Message"])
        self.assertEqual(d["redriveStatus"], "NOT_REDRIVABLE")

    def test_manual_approval_with_an_activity(self):
        sfn = self.sfn
        act = sfn.create_activity(name="ManagerApproval")["activityArn"]
        definition = json.dumps({"StartAt": "Approve", "States": {"Approve": {"Type": "Task", "Resource": act, "TimeoutSeconds": 300, "End": True}}})
        arn = sfn.create_state_machine(name="Approval", definition=definition, roleArn=ROLE)["stateMachineArn"]
        first = sfn.start_execution(stateMachineArn=arn, name="req-1", input='{"amount":42}')["executionArn"]
        # The same name and input while it runs: the same execution.
        self.assertEqual(sfn.start_execution(stateMachineArn=arn, name="req-1", input='{"amount":42}')["executionArn"], first)
        with self.assertRaises(sfn.exceptions.ExecutionAlreadyExists):
            sfn.start_execution(stateMachineArn=arn, name="req-1", input='{"amount":43}')
        task = sfn.get_activity_task(activityArn=act, workerName="alice")
        self.assertEqual(json.loads(task["input"]), {"amount": 42})
        sfn.send_task_heartbeat(taskToken=task["taskToken"])
        sfn.send_task_success(taskToken=task["taskToken"], output='{"approved":true}')
        d = self.wait_for(first, "SUCCEEDED")
        self.assertEqual(json.loads(d["output"]), {"approved": True})
        with self.assertRaises(sfn.exceptions.TaskDoesNotExist):
            sfn.send_task_success(taskToken=task["taskToken"], output="{}")

        second = sfn.start_execution(stateMachineArn=arn, name="req-2", input='{"amount":1000000}')["executionArn"]
        task = sfn.get_activity_task(activityArn=act, workerName="bob")
        sfn.send_task_failure(taskToken=task["taskToken"], error="Rejected", cause="over the limit")
        d = self.wait_for(second, "FAILED")
        self.assertEqual((d["error"], d["cause"]), ("Rejected", "over the limit"))
        self.assertEqual(d["redriveStatus"], "REDRIVABLE")

        # History in AWS's shapes, pages and order.
        events = sfn.get_execution_history(executionArn=first)["events"]
        types = [e["type"] for e in events]
        self.assertEqual(types, ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"])
        self.assertEqual([e["id"] for e in events], list(range(1, 8)))
        self.assertEqual(events[1]["previousEventId"], 1)
        self.assertEqual(json.loads(events[0]["executionStartedEventDetails"]["input"]), {"amount": 42})
        self.assertEqual(events[2]["activityScheduledEventDetails"]["resource"], act)
        self.assertEqual(json.loads(events[4]["activitySucceededEventDetails"]["output"]), {"approved": True})
        self.assertEqual(events[1]["stateEnteredEventDetails"]["name"], "Approve")
        page = sfn.get_execution_history(executionArn=first, maxResults=3, reverseOrder=True)
        self.assertEqual([e["id"] for e in page["events"]], [7, 6, 5])
        rest = sfn.get_execution_history(executionArn=first, maxResults=3, reverseOrder=True, nextToken=page["nextToken"])
        self.assertEqual([e["id"] for e in rest["events"]], [4, 3, 2])
        bare = sfn.get_execution_history(executionArn=first, includeExecutionData=False)["events"]
        self.assertNotIn("input", bare[0].get("executionStartedEventDetails", {}))
        failed = sfn.get_execution_history(executionArn=second, reverseOrder=True)["events"]
        self.assertEqual(failed[0]["executionFailedEventDetails"], {"error": "Rejected", "cause": "over the limit"})
        self.assertIn("ActivityFailed", [e["type"] for e in failed])

        # Listing: newest first, by status, in pages.
        third = sfn.start_execution(stateMachineArn=arn, name="req-3")["executionArn"]
        listed = sfn.list_executions(stateMachineArn=arn)["executions"]
        self.assertEqual([e["name"] for e in listed], ["req-3", "req-2", "req-1"])
        self.assertEqual([e["name"] for e in sfn.list_executions(stateMachineArn=arn, statusFilter="FAILED")["executions"]], ["req-2"])
        p1 = sfn.list_executions(stateMachineArn=arn, maxResults=2)
        p2 = sfn.list_executions(stateMachineArn=arn, maxResults=2, nextToken=p1["nextToken"])
        self.assertEqual([e["name"] for e in p1["executions"] + p2["executions"]], ["req-3", "req-2", "req-1"])
        self.assertNotIn("nextToken", p2)
        # Stopped while it waits: ABORTED, and its task is gone.
        task = sfn.get_activity_task(activityArn=act, workerName="carol")
        sfn.stop_execution(executionArn=third, error="Withdrawn", cause="the customer cancelled")
        d = sfn.describe_execution(executionArn=third)
        self.assertEqual((d["status"], d["error"]), ("ABORTED", "Withdrawn"))
        with self.assertRaises(sfn.exceptions.TaskDoesNotExist):
            sfn.send_task_success(taskToken=task["taskToken"], output="{}")

    def test_wait_for_task_token_callback(self):
        sfn = self.sfn
        definition = json.dumps({"StartAt": "Notify", "States": {"Notify": {
            "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": {"token.$": "$$.Task.Token"}},
            "End": True}}})
        arn = sfn.create_state_machine(name="Callback", definition=definition, roleArn=ROLE)["stateMachineArn"]
        ex = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
        token = None
        for _ in range(100):
            scheduled = [e for e in sfn.get_execution_history(executionArn=ex)["events"] if e["type"] == "TaskScheduled"]
            if scheduled:
                details = scheduled[0]["taskScheduledEventDetails"]
                self.assertEqual((details["resourceType"], details["resource"]), ("sqs", "sendMessage.waitForTaskToken"))
                token = json.loads(details["parameters"])["MessageBody"]["token"]
                break
            time.sleep(0.05)
        self.assertIsNotNone(token)
        time.sleep(0.2)
        sfn.send_task_success(taskToken=token, output='{"delivered":true}')
        self.assertEqual(json.loads(self.wait_for(ex, "SUCCEEDED")["output"]), {"delivered": True})

    def test_quotas_from_the_command_line(self):
        server = Server("--max-state-machines", "1", "--max-activities", "1", "--max-api-calls-per-second", "3")
        try:
            sfn = client(server.endpoint)
            sfn.create_state_machine(name="One", definition=PASS, roleArn=ROLE)
            self.assertError("StateMachineLimitExceeded", sfn.create_state_machine, name="Two", definition=PASS, roleArn=ROLE)
            time.sleep(1.5)
            sfn.create_activity(name="One")
            self.assertError("ActivityLimitExceeded", sfn.create_activity, name="Two")
            # 3 calls a second, 3 at once: calls in a row soon get AWS's throttling error.
            time.sleep(1.5)
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                for _ in range(500):
                    sfn.list_activities()
            self.assertEqual(cm.exception.response["Error"]["Code"], "ThrottlingException")
            self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
            time.sleep(1.5)
            self.assertEqual(len(sfn.list_activities()["activities"]), 1)
        finally:
            server.stop()

    def test_executions_run_the_definition_they_started_on(self):
        sfn = self.sfn
        act = sfn.create_activity(name="PinGate")["activityArn"]

        def says(word):
            return json.dumps({"StartAt": "Wait", "States": {
                "Wait": {"Type": "Task", "Resource": act, "ResultPath": None, "Next": "Say"},
                "Say": {"Type": "Pass", "Result": word, "End": True}}})

        arn = sfn.create_state_machine(name="Pinned", definition=says("v1"), roleArn=ROLE, publish=True)["stateMachineArn"]
        sfn.create_state_machine_alias(name="stable", routingConfiguration=[{"stateMachineVersionArn": arn + ":1", "weight": 100}])
        sfn.update_state_machine(stateMachineArn=arn, definition=says("v2"))
        current = sfn.start_execution(stateMachineArn=arn)["executionArn"]
        stable = sfn.start_execution(stateMachineArn=arn + ":stable")["executionArn"]
        sfn.update_state_machine(stateMachineArn=arn, definition=says("v3"))
        d = sfn.describe_execution(executionArn=stable)
        self.assertEqual((d["stateMachineVersionArn"], d["stateMachineAliasArn"]), (arn + ":1", arn + ":stable"))
        self.assertEqual(sfn.describe_state_machine_for_execution(executionArn=current)["definition"], says("v2"))
        for _ in range(2):
            task = sfn.get_activity_task(activityArn=act)
            sfn.send_task_success(taskToken=task["taskToken"], output="{}")
        self.assertEqual(json.loads(self.wait_for(current, "SUCCEEDED")["output"]), "v2")
        self.assertEqual(json.loads(self.wait_for(stable, "SUCCEEDED")["output"]), "v1")

    def test_open_executions_quota(self):
        server = Server("--max-open-executions", "1")
        try:
            sfn = client(server.endpoint)
            act = sfn.create_activity(name="Hold")["activityArn"]
            definition = json.dumps({"StartAt": "H", "States": {"H": {"Type": "Task", "Resource": act, "End": True}}})
            arn = sfn.create_state_machine(name="Held", definition=definition, roleArn=ROLE)["stateMachineArn"]
            sfn.start_execution(stateMachineArn=arn, name="a")
            with self.assertRaises(sfn.exceptions.ExecutionLimitExceeded):
                sfn.start_execution(stateMachineArn=arn, name="b")
        finally:
            server.stop()

    def test_sync_actions_need_host_prefix_injection_off(self):
        # botocore sends StartSyncExecution and TestState to "sync-" + host, which does not
        # resolve for 127.0.0.1; with injection off they reach the server.
        definition = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": True}}})
        arn = self.sfn.create_state_machine(name="Quick", definition=definition, roleArn=ROLE, type="EXPRESS")["stateMachineArn"]
        sync = client(self.server.endpoint, inject_host_prefix=False)
        out = sync.start_sync_execution(stateMachineArn=arn, input='{"n":21}')
        self.assertEqual((out["status"], json.loads(out["output"])), ("SUCCEEDED", {"doubled": 42}))
        self.assertTrue(out["executionArn"].startswith(PREFIX + ":express:Quick:"))
        with self.assertRaises(sync.exceptions.StateMachineTypeNotSupported):
            sync.start_sync_execution(stateMachineArn=self.sfn.create_state_machine(name="Slow", definition=PASS, roleArn=ROLE)["stateMachineArn"], input="{}")
        out = sync.test_state(definition=json.dumps({"Type": "Pass", "End": True}), roleArn=ROLE, input="{}")
        self.assertEqual(out["status"], "SUCCEEDED")

    def test_test_state(self):
        sfn = client(self.server.endpoint, inject_host_prefix=False)
        task = {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f", "Payload.$": "$"},
            "ResultSelector": {"body.$": "$.Payload"},
            "ResultPath": "$.result",
            "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}],
            "Next": "Done",
        }
        out = sfn.test_state(definition=json.dumps(task), roleArn=ROLE, input='{"id":1}', inspectionLevel="DEBUG", mock={"result": '{"Payload":"ok"}'})
        self.assertEqual((out["status"], out["nextState"]), ("SUCCEEDED", "Done"))
        self.assertEqual(json.loads(out["output"]), {"id": 1, "result": {"body": "ok"}})
        self.assertEqual(json.loads(out["inspectionData"]["afterParameters"]), {"FunctionName": "f", "Payload": {"id": 1}})
        self.assertEqual(json.loads(out["inspectionData"]["afterResultSelector"]), {"body": "ok"})
        throttled = {"errorOutput": {"error": "Lambda.TooManyRequestsException", "cause": "slow down"}}
        out = sfn.test_state(definition=json.dumps(task), roleArn=ROLE, input="{}", mock=throttled)
        self.assertEqual((out["status"], out["error"]), ("RETRIABLE", "Lambda.TooManyRequestsException"))
        out = sfn.test_state(definition=json.dumps(task), roleArn=ROLE, input="{}", mock=throttled, stateConfiguration={"retrierRetryCount": 2})
        self.assertEqual((out["status"], out["nextState"]), ("CAUGHT_ERROR", "Recover"))
        machine = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "A"}], "Default": "C"}, "C": {"Type": "Succeed"}}}
        out = sfn.test_state(definition=json.dumps(machine), roleArn=ROLE, input='{"n":2}', stateName="B")
        self.assertEqual(out["nextState"], "C")
        self.assertError("InvalidDefinition", sfn.test_state, definition="{", roleArn=ROLE)
        # context (with a mock) is the context object the state reads.
        named = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"run.$": "$$.Execution.Name"}, "End": True}
        out = sfn.test_state(definition=json.dumps(named), input="{}", inspectionLevel="DEBUG", mock={"result": "{}"}, context='{"Execution":{"Name":"given"}}')
        self.assertEqual(json.loads(out["inspectionData"]["afterParameters"]), {"run": "given"})
        self.assertError("ValidationException", sfn.test_state, definition=json.dumps(named), input="{}", context="{}")
        # A mocked Map whose failed iterations pass its tolerance.
        mapped = {"Type": "Map", "ItemsPath": "$.xs", "ToleratedFailureCount": 1, "End": True,
                  "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}
        out = sfn.test_state(definition=json.dumps(mapped), input='{"xs":[1,2]}', mock={"result": "[1,2]"}, stateConfiguration={"mapIterationFailureCount": 2})
        self.assertEqual((out["status"], out["error"]), ("FAILED", "States.ExceedToleratedFailureThreshold"))

    def test_oversized_body(self):
        # 5 MiB of definition is over the server's 4 MiB request limit (and AWS's 1 MiB definition limit).
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.sfn.validate_state_machine_definition(definition="x" * (5 << 20))
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 413)
        self.assertEqual(cm.exception.response["Error"]["Code"], "RequestEntityTooLargeException")


MOCK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mock")


class StepFunctionsLocalMocks(unittest.TestCase):
    """AWS's documented mock configuration file, unchanged (tests/mock/), as its guide runs it:
    create LambdaSQSIntegration, start-execution on `<arn>#<TestCase>`, read the history."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--mock-config", os.path.join(MOCK_DIR, "MockConfigFile.json"))
        cls.sfn = client(cls.server.endpoint)
        with open(os.path.join(MOCK_DIR, "LambdaSQSIntegration.asl.json")) as f:
            cls.arn = cls.sfn.create_state_machine(
                name="LambdaSQSIntegration", definition=f.read(),
                roleArn="arn:aws:iam::123456789012:role/service-role/LambdaSQSIntegration",
            )["stateMachineArn"]

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def finished(self, arn, seconds):
        for _ in range(int(seconds * 20)):
            d = self.sfn.describe_execution(executionArn=arn)
            if d["status"] != "RUNNING":
                return d
            time.sleep(0.05)
        self.fail("%s still running after %s s" % (arn, seconds))

    def history(self, arn):
        return self.sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]

    def test_the_documented_test_cases(self):
        # The guide's own command, through the AWS CLI.
        env = dict(os.environ, **CREDENTIALS)
        aws = os.path.join(os.path.dirname(sys.executable), "aws")
        r = subprocess.run(
            [aws, "stepfunctions", "start-execution", "--endpoint", self.server.endpoint, "--output", "json",
             "--name", "executionWithHappyPathMockedServices", "--state-machine", self.arn + "#HappyPath"],
            capture_output=True, text=True, env=env, timeout=60,
        )
        self.assertEqual(r.returncode, 0, r.stderr)
        happy = json.loads(r.stdout)["executionArn"]
        self.assertEqual(happy, PREFIX + ":execution:LambdaSQSIntegration:executionWithHappyPathMockedServices")
        start = lambda case: self.sfn.start_execution(stateMachineArn=self.arn + "#" + case, name=case, input='{"data": "test input"}')["executionArn"]
        retry, hybrid = start("RetryPath"), start("HybridPath")

        sqs = {"MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51", "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"}
        d = self.finished(happy, 10)
        self.assertEqual((d["status"], json.loads(d["output"]), d["stateMachineArn"]), ("SUCCEEDED", sqs, self.arn))
        events = self.history(happy)
        self.assertEqual([e["type"] for e in events], [
            "ExecutionStarted",
            "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
            "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
            "ExecutionSucceeded",
        ])
        self.assertEqual([e["stateExitedEventDetails"]["name"] for e in events if e["type"] == "TaskStateExited"], ["LambdaState", "SQSState"])

        # HybridPath: SQSState is not mocked and makes its real call, which this server cannot make.
        d = self.finished(hybrid, 10)
        self.assertEqual((d["status"], d["error"]), ("FAILED", "States.Runtime"))
        self.assertIn("arn:aws:states:::sqs:sendMessage", d["cause"])

        # RetryPath: a ResourceNotReady, two timeouts, then success, after 2 + 4 + 8 s of backoff.
        d = self.finished(retry, 30)
        self.assertEqual((d["status"], json.loads(d["output"])), ("SUCCEEDED", sqs))
        events = self.history(retry)
        self.assertEqual(
            [e["taskFailedEventDetails"]["error"] for e in events if e["type"] == "TaskFailed"],
            ["Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException"],
        )
        self.assertEqual(sum(e["type"] == "TaskSucceeded" for e in events), 2)

    def test_an_unknown_test_case_is_refused(self):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.sfn.start_execution(stateMachineArn=self.arn + "#NoSuchCase")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ValidationException")


class RawHttp(unittest.TestCase):
    """Requests botocore would refuse to send."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def call(self, target, body, status, code):
        got_status, got = raw(self.server.endpoint, target, body)
        self.assertEqual((got_status, code_of(got)), (status, code), got)
        self.assertIsInstance(got["message"], str)
        return got["message"]

    def test_bad_json(self):
        self.call("AWSStepFunctions.ListStateMachines", b"{nope", 400, "SerializationException")
        self.call("AWSStepFunctions.ListStateMachines", b'"a string"', 400, "SerializationException")

    def test_unknown_action(self):
        self.call("AWSStepFunctions.LaunchRocket", b"{}", 400, "UnknownOperationException")
        self.call("DynamoDB_20120810.ListTables", b"{}", 400, "UnknownOperationException")
        self.call(None, b"{}", 400, "UnknownOperationException")

    def test_missing_and_mistyped_members(self):
        m = self.call("AWSStepFunctions.CreateStateMachine", json.dumps({"name": "a", "roleArn": ROLE}).encode(), 400, "ValidationException")
        self.assertIn("'definition'", m)
        m = self.call("AWSStepFunctions.DescribeActivity", json.dumps({"activityArn": 7}).encode(), 400, "SerializationException")
        self.assertIn("'activityArn'", m)
        m = self.call("AWSStepFunctions.ListActivities", json.dumps({"maxResults": 0.5}).encode(), 400, "SerializationException")
        m = self.call("AWSStepFunctions.CreateStateMachine", json.dumps({"name": "a", "definition": PASS, "roleArn": ROLE, "type": "SLOW"}).encode(), 400, "ValidationException")
        self.assertIn("[STANDARD, EXPRESS]", m)
        m = self.call("AWSStepFunctions.ListActivities", json.dumps({"maxResults": 5000}).encode(), 400, "ValidationException")
        self.assertIn("less than or equal to 1000", m)

    def test_signed_requests_are_accepted(self):
        status, got = raw(
            self.server.endpoint,
            "AWSStepFunctions.ListActivities",
            b"{}",
            {"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=bad"},
        )
        self.assertEqual((status, got), (200, {"activities": []}))


class AwsCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.aws = os.path.join(os.path.dirname(sys.executable), "aws")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def cli(self, *args):
        env = dict(os.environ, **CREDENTIALS)
        return subprocess.run(
            [self.aws, "--endpoint-url", self.server.endpoint, "--output", "json", "stepfunctions", *args],
            capture_output=True, text=True, env=env, timeout=60,
        )

    def ok(self, *args):
        r = self.cli(*args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout) if r.stdout.strip() else None

    def test_cli_round_trip(self):
        arn = self.ok("create-state-machine", "--name", "CliFlow", "--definition", PASS, "--role-arn", ROLE)["stateMachineArn"]
        self.assertEqual(self.ok("describe-state-machine", "--state-machine-arn", arn)["name"], "CliFlow")
        self.assertIn(arn, [m["stateMachineArn"] for m in self.ok("list-state-machines")["stateMachines"]])
        act = self.ok("create-activity", "--name", "CliApprove")["activityArn"]
        self.ok("tag-resource", "--resource-arn", act, "--tags", "key=k,value=v")
        self.assertEqual(self.ok("list-tags-for-resource", "--resource-arn", act)["tags"], [{"key": "k", "value": "v"}])
        self.ok("delete-activity", "--activity-arn", act)
        self.ok("delete-state-machine", "--state-machine-arn", arn)

    def test_cli_manual_approval(self):
        act = self.ok("create-activity", "--name", "CliApproval")["activityArn"]
        definition = json.dumps({"StartAt": "Approve", "States": {"Approve": {"Type": "Task", "Resource": act, "End": True}}})
        arn = self.ok("create-state-machine", "--name", "CliApprovalFlow", "--definition", definition, "--role-arn", ROLE)["stateMachineArn"]
        ex = self.ok("start-execution", "--state-machine-arn", arn, "--input", '{"amount":42}')["executionArn"]
        task = self.ok("get-activity-task", "--activity-arn", act, "--worker-name", "cli")
        self.assertEqual(json.loads(task["input"]), {"amount": 42})
        self.ok("send-task-success", "--task-token", task["taskToken"], "--task-output", '{"approved":true}')
        for _ in range(100):
            d = self.ok("describe-execution", "--execution-arn", ex)
            if d["status"] != "RUNNING":
                break
            time.sleep(0.05)
        self.assertEqual((d["status"], json.loads(d["output"])), ("SUCCEEDED", {"approved": True}))
        events = self.ok("get-execution-history", "--execution-arn", ex, "--reverse-order", "--max-items", "1")["events"]
        self.assertEqual(events[0]["type"], "ExecutionSucceeded")

    def test_cli_errors(self):
        r = self.cli("describe-state-machine", "--state-machine-arn", PREFIX + ":stateMachine:Nope")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("(StateMachineDoesNotExist)", r.stderr)
        r = self.cli("describe-activity", "--activity-arn", "arn:bad")
        self.assertIn("(InvalidArn)", r.stderr)
        r = self.cli("create-activity", "--name", "no/slash")
        self.assertIn("(InvalidName)", r.stderr)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
