"""Jupyter protocol conformance of the "anomaly-lab" kernel (the project's tslab), checked
with jupyter_kernel_test, the Jupyter project's own kernel test suite.

Run from the repository root after `npm run setup`:
    "$(bash scripts/lib/python.sh)" -m unittest discover -s test/kernel -v

Known tslab 1.0.22 deviations from the protocol, marked expectedFailure so the suite
passes today and reports an "unexpected success" the day tslab fixes them:
  - kernel_info_reply has no "status" field (test_kernel_info);
  - a cell's last expression value is printed to stdout instead of sent as an
    execute_result (test_execute_result; test_last_expression_goes_to_stdout pins it);
  - errors come as stderr text plus an execute_reply {"status": "error"} without
    ename/evalue/traceback and without an "error" iopub message, so code_generate_error
    is not configured; test_error_is_reported pins down what scripts/run_notebooks.py
    relies on instead.
"""
import os
import sys
import unittest
from queue import Empty

try:
    import jupyter_kernel_test
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
except ImportError as missing:
    sys.exit(f"test/kernel needs jupyter_client and jupyter_kernel_test ({missing}). Run 'npm run setup' "
             "(Debian: apt-get install python3-jupyter-kernel-test; elsewhere: pip install jupyter_kernel_test).")

KERNEL_NAME = "anomaly-lab"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

try:
    KernelSpecManager().get_kernel_spec(KERNEL_NAME)
except NoSuchKernel:
    sys.exit(f"The Jupyter kernel '{KERNEL_NAME}' is not installed. Run 'npm run setup'.")

# The kernel inherits our cwd; from the repository root, "anomaly-lab" resolves to this checkout.
os.chdir(REPO_ROOT)


class AnomalyLabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("to stderr")'
    code_execute_result = [{"code": "6 * 7", "result": "42"}]
    code_display_data = [
        {"code": 'import * as tslab from "tslab";\ntslab.display.html("<b>bold</b>")', "mime": "text/html"},
    ]
    completion_samples = [{"text": "Math.ma", "matches": {"max"}}]
    complete_code_samples = ["const a = 1;", "function f() { return 1; }"]
    incomplete_code_samples = ["function f() {"]
    code_inspect_sample = "Math.max"

    @unittest.expectedFailure
    def test_kernel_info(self):
        super().test_kernel_info()

    @unittest.expectedFailure
    def test_execute_result(self):
        super().test_execute_result()

    def execute_unvalidated(self, code, timeout=30):
        """Like execute_helper, without the message schema checks tslab's error reply fails."""
        self.flush_channels()
        msg_id = self.kc.execute(code)
        reply = self.get_non_kernel_info_reply(timeout=timeout)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        outputs = []
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=timeout)
            except Empty:
                self.fail(f"no idle status after executing {code!r}")
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return reply, outputs
            outputs.append(msg)

    @staticmethod
    def stream_text(outputs, name):
        return "".join(m["content"]["text"] for m in outputs
                       if m["msg_type"] == "stream" and m["content"]["name"] == name)

    def test_error_is_reported(self):
        reply, outputs = self.execute_unvalidated('throw new Error("boom")')
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("Error: boom", self.stream_text(outputs, "stderr"))

    def test_type_error_is_reported(self):
        reply, outputs = self.execute_unvalidated('const n: number = "text";')
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("not assignable to type 'number'", self.stream_text(outputs, "stderr"))

    def test_last_expression_goes_to_stdout(self):
        reply, outputs = self.execute_unvalidated("6 * 7")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(self.stream_text(outputs, "stdout"), "42\n")

    def test_project_package_resolves(self):
        reply, outputs = self.execute_unvalidated(
            'import * as lab from "anomaly-lab";\nconsole.log(typeof lab)', timeout=60)
        self.assertEqual(reply["content"]["status"], "ok", outputs)
        self.assertEqual(self.stream_text(outputs, "stdout"), "object\n")


if __name__ == "__main__":
    unittest.main()
