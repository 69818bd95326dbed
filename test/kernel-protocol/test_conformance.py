"""Jupyter messaging-protocol conformance of the anomaly-lab kernel.

Runs Jupyter's own kernel test suite (jupyter_kernel_test, the reference client-side checks of
the message spec v5) against the kernel named by $ANOMALY_LAB_KERNEL (default "anomaly-lab"),
plus a few checks the suite does not make but notebooks rely on (In [n], error details,
display updates in place, compile errors).

Run with a Python that has jupyter_kernel_test (Debian: python3-jupyter-kernel-test), from the
repository root (the kernel inherits the cwd, where "anomaly-lab" resolves to this checkout):
    ANOMALY_LAB_KERNEL=anomaly-lab /usr/bin/python3 -m unittest discover -v -s test/kernel-protocol -p test_conformance.py
test/kernel-protocol.test.ts runs it against a private kernelspec of this checkout's launcher.
"""

import inspect
import os
import time
import unittest

import jupyter_kernel_test
from jupyter_client.utils import run_sync

# A value implementing the library's Displayable contract (toMimeBundle), written inline so the
# test does not depend on any particular class of the library.
DISPLAYABLE_CELL = (
    "({ toMimeBundle: () => ({ 'text/html': '<b>rich</b>', 'text/plain': 'rich' }) })"
)


class AnomalyLabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("ANOMALY_LAB_KERNEL", "anomaly-lab")

    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("to stderr")'

    completion_samples = [{"text": "Math.ab", "matches": {"abs"}}]
    complete_code_samples = ["1 + 1", "const answer = 42;", "function f() { return 1; }"]
    incomplete_code_samples = ["function f() {", "const xs = [1, 2,"]

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"a" + "b"', "result": "'ab'"},
        {"code": DISPLAYABLE_CELL, "mime": "text/html", "result": "<b>rich</b>"},
    ]

    code_display_data = [
        {"code": 'import * as tslab from "tslab";\ntslab.display.html("<i>shown</i>")', "mime": "text/html"},
    ]

    # Glob over the whole cell source, as in IPython's history search.
    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = (
        'import { clearOutput } from "anomaly-lab";\nclearOutput({ wait: true })'
    )

    # --- checks beyond jupyter_kernel_test -------------------------------------------------

    def iopub_msg(self, timeout):
        """The next IOPub message. jupyter_client 8's blocking channels (PyPI) return it; jupyter_client 7's
        (Debian bookworm) return a coroutine, hence run_sync there."""
        get_msg = self.kc.iopub_channel.get_msg
        if inspect.iscoroutinefunction(get_msg):
            return run_sync(get_msg)(timeout=timeout)
        return get_msg(timeout=timeout)

    def execute_collect(self, code, **options):
        """Executes `code`; returns (reply, [all iopub messages of the request except status])."""
        self.flush_channels()
        msg_id = self.kc.execute(code=code, **options)
        reply = self.get_non_kernel_info_reply(timeout=jupyter_kernel_test.TIMEOUT)
        jupyter_kernel_test.validate_message(reply, "execute_reply", msg_id)
        messages = []
        while True:
            msg = self.iopub_msg(timeout=jupyter_kernel_test.TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            jupyter_kernel_test.validate_message(msg, msg["msg_type"], msg_id)
            if msg["msg_type"] == "status":
                if msg["content"]["execution_state"] == "idle":
                    break
                continue
            messages.append(msg)
        return reply, messages

    def of_type(self, messages, msg_type):
        return [m for m in messages if m["msg_type"] == msg_type]

    def test_kernel_info_content(self):
        self.flush_channels()
        msg_id = self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=jupyter_kernel_test.TIMEOUT)
        jupyter_kernel_test.validate_message(reply, "kernel_info_reply", msg_id)
        content = reply["content"]
        self.assertEqual(content["status"], "ok")
        self.assertEqual(content["language_info"]["mimetype"], "text/typescript")
        self.assertRegex(content["language_info"]["version"], r"^\d+\.\d+\.\d+")
        self.assertRegex(content["protocol_version"], r"^5\.\d+$")

    def test_execute_input_carries_count(self):
        reply, messages = self.execute_collect("const inputCheck = 1;")
        inputs = self.of_type(messages, "execute_input")
        self.assertEqual(len(inputs), 1)
        self.assertEqual(inputs[0]["content"]["code"], "const inputCheck = 1;")
        self.assertEqual(inputs[0]["content"]["execution_count"], reply["content"]["execution_count"])
        self.assertEqual(messages[0]["msg_type"], "execute_input", "execute_input must come first")

    def test_execute_result_count_and_no_stdout_echo(self):
        reply, messages = self.execute_collect("6 * 7")
        results = self.of_type(messages, "execute_result")
        self.assertEqual(len(results), 1)
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "42")
        self.assertEqual(results[0]["content"]["execution_count"], reply["content"]["execution_count"])
        self.assertEqual(self.of_type(messages, "stream"), [], "the value must not also be printed")

    def test_cells_outside_history_keep_the_count(self):
        first, _ = self.execute_collect("1")
        count = first["content"]["execution_count"]
        unstored, messages = self.execute_collect("2", store_history=False)
        self.assertEqual(unstored["content"]["execution_count"], count)
        silent, messages = self.execute_collect("3", silent=True)
        self.assertEqual(silent["content"]["execution_count"], count)
        self.assertEqual(messages, [], "silent cells publish nothing")
        after, _ = self.execute_collect("4")
        self.assertEqual(after["content"]["execution_count"], count + 1)

    def replies_by_request(self, count):
        """The next `count` execute replies, keyed by the msg_id of the request each answers."""
        replies = {}
        while len(replies) < count:
            reply = self.get_non_kernel_info_reply(timeout=jupyter_kernel_test.TIMEOUT)
            replies[reply["parent_header"]["msg_id"]] = reply["content"]
        return replies

    def test_error_without_stop_on_error_does_not_abort_the_next_cell(self):
        self.flush_channels()
        failing = self.kc.execute(code='throw new Error("first")', stop_on_error=False)
        following = self.kc.execute(code="40 + 2")
        replies = self.replies_by_request(2)
        self.assertEqual(replies[failing]["status"], "error")
        self.assertEqual(replies[following]["status"], "ok")

    def test_error_with_stop_on_error_aborts_the_queued_cell(self):
        self.flush_channels()
        failing = self.kc.execute(code='throw new Error("first")')
        following = self.kc.execute(code="40 + 2")
        replies = self.replies_by_request(2)
        self.assertEqual(replies[failing]["status"], "error")
        self.assertEqual(replies[following]["status"], "aborted")  # the protocol's word; tslab says "abort"

    def test_undefined_shows_nothing(self):
        _, messages = self.execute_collect("undefined")
        self.assertEqual([m["msg_type"] for m in messages], ["execute_input"])

    def test_async_mime_bundle_is_awaited(self):
        _, messages = self.execute_collect(
            "({ toMimeBundle: async () => ({ 'text/html': '<u>later</u>', 'text/plain': 'later' }) })"
        )
        results = self.of_type(messages, "execute_result")
        self.assertEqual(len(results), 1)
        self.assertEqual(results[0]["content"]["data"]["text/html"], "<u>later</u>")

    def test_runtime_error_details(self):
        reply, messages = self.execute_collect('const ok = 1;\nthrow new RangeError("out of range")')
        content = reply["content"]
        self.assertEqual(content["status"], "error")
        self.assertEqual(content["ename"], "RangeError")
        self.assertEqual(content["evalue"], "out of range")
        self.assertTrue(any("line 2" in line for line in content["traceback"]), content["traceback"])
        errors = self.of_type(messages, "error")
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["content"]["ename"], "RangeError")

    def test_async_error_details(self):
        reply, _ = self.execute_collect('await Promise.reject(new TypeError("late"))')
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "TypeError")
        self.assertEqual(reply["content"]["evalue"], "late")

    def test_unhandled_rejection_shows_in_its_cell(self):
        # Node's REPL prints a rejection no code awaits; a kernel must not swallow it.
        reply, messages = self.execute_collect('Promise.reject(new Error("nobody awaits this")); 1')
        self.assertEqual(reply["content"]["status"], "ok")
        stderr = "".join(m["content"]["text"] for m in self.of_type(messages, "stream") if m["content"]["name"] == "stderr")
        self.assertIn("Unhandled promise rejection", stderr)
        self.assertIn("Error: nobody awaits this", stderr)

    def test_rejection_after_the_cell_shows_in_the_next_cell(self):
        self.execute_collect('setTimeout(() => { Promise.reject(new Error("rejected later")); }, 20); 2')
        time.sleep(0.5)  # the rejection happens while no cell runs
        reply, messages = self.execute_collect("3")
        stderr = "".join(m["content"]["text"] for m in self.of_type(messages, "stream") if m["content"]["name"] == "stderr")
        self.assertIn("Error: rejected later", stderr)
        self.assertEqual(self.of_type(messages, "execute_result")[0]["content"]["data"]["text/plain"], "3")

    def test_compile_error_details(self):
        reply, messages = self.execute_collect('const n: number = "text";')
        content = reply["content"]
        self.assertEqual(content["status"], "error")
        self.assertEqual(content["ename"], "TSError")
        self.assertIn("1:7", "\n".join(content["traceback"]))
        self.assertIn("not assignable", content["evalue"])
        self.assertEqual(len(self.of_type(messages, "error")), 1)
        self.assertEqual(self.of_type(messages, "stream"), [], "diagnostics must not also go to stderr")

    def test_display_update_in_place(self):
        code = (
            'import * as tslab from "tslab";\n'
            "const handle = tslab.newDisplay();\n"
            'handle.text("first");\n'
            'handle.text("second");'
        )
        reply, messages = self.execute_collect(code)
        self.assertEqual(reply["content"]["status"], "ok")
        shown = self.of_type(messages, "display_data")
        updated = self.of_type(messages, "update_display_data")
        self.assertEqual(len(shown), 1)
        self.assertEqual(len(updated), 1)
        display_id = shown[0]["content"]["transient"]["display_id"]
        self.assertEqual(updated[0]["content"]["transient"]["display_id"], display_id)
        self.assertEqual(updated[0]["content"]["data"]["text/plain"], "second")

    def test_state_survives_between_cells(self):
        self.execute_collect("let counter = 40;")
        _, messages = self.execute_collect("counter + 2")
        self.assertEqual(self.of_type(messages, "execute_result")[0]["content"]["data"]["text/plain"], "42")

    def result_text(self, code):
        reply, messages = self.execute_collect(code)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        return self.of_type(messages, "execute_result")[0]["content"]["data"]["text/plain"]

    def test_shorthand_property_of_earlier_cell_variable(self):
        # Plain tslab 1.0.22 fails these: "k is not defined", and `a` silently stays 0.
        self.execute_collect("const k = 3;")
        self.assertEqual(self.result_text("({ k }).k"), "3")
        self.assertEqual(self.result_text("let a = 0; ({ a } = { a: 5 }); a"), "5")
        self.execute_collect("let b = 0;")
        self.assertEqual(self.result_text("({ b = 1 } = { b: 5 }); b"), "5")


if __name__ == "__main__":
    unittest.main()
