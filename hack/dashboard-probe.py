#!/usr/bin/env python3
"""Opens a page in headless Chromium over the DevTools protocol (--remote-debugging-pipe, no
network port), reads numbers from it for a while, saves a screenshot, and prints one JSON line.

Usage: dashboard-probe.py CHROMIUM URL SCREENSHOT [SECONDS]
Prints {"samples": [{"t": s, "updates": n, "changes": n}, ...], "dom": "<html>...", "screenshot": path}.
Used by Tests/BuraqGatewayTests/DashboardBrowserTests.swift.
"""
import base64, json, os, subprocess, sys, tempfile, time

def main():
    chromium, url, screenshot = sys.argv[1:4]
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 8
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()
    profile = tempfile.mkdtemp(prefix="buraq-chromium-")
    def child_fds():
        os.dup2(to_chrome_r, 3)
        os.dup2(from_chrome_w, 4)
    proc = subprocess.Popen(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--hide-scrollbars", "--remote-debugging-pipe", "--user-data-dir=" + profile, "--window-size=1400,1900"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=child_fds, pass_fds=(3, 4))
    os.close(to_chrome_r); os.close(from_chrome_w)
    out = os.fdopen(to_chrome_w, "wb", buffering=0)
    inp = os.fdopen(from_chrome_r, "rb", buffering=0)
    buffer = b""
    counter = [0]

    def call(method, params=None, session=None):
        counter[0] += 1
        message = {"id": counter[0], "method": method, "params": params or {}}
        if session: message["sessionId"] = session
        out.write(json.dumps(message).encode() + b"\0")
        nonlocal buffer
        deadline = time.time() + 30
        while time.time() < deadline:
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == counter[0]:
                    if "error" in reply: raise RuntimeError(f"{method}: {reply['error']}")
                    return reply.get("result", {})
            chunk = inp.read(1 << 16)
            if not chunk: raise RuntimeError("chromium closed the pipe")
            buffer += chunk
        raise RuntimeError(f"{method}: no reply within 30 s")

    try:
        target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        call("Page.enable", session=session)
        call("Emulation.setDeviceMetricsOverride", {"width": 1400, "height": 1900, "deviceScaleFactor": 1, "mobile": False}, session=session)
        call("Page.navigate", {"url": url}, session=session)
        samples = []
        start = time.time()
        expression = "JSON.stringify({updates: +document.body.dataset.updates, changes: +document.body.dataset.changes})"
        while time.time() - start < seconds:
            time.sleep(1)
            value = call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
            sample = json.loads(value.get("result", {}).get("value") or "{}")
            sample["t"] = round(time.time() - start, 1)
            samples.append(sample)
        dom = call("Runtime.evaluate", {"expression": "document.documentElement.outerHTML", "returnByValue": True},
                   session=session)["result"]["value"]
        shot = call("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
        with open(screenshot, "wb") as f: f.write(base64.b64decode(shot))
        print(json.dumps({"samples": samples, "dom": dom, "screenshot": screenshot}))
        try: call("Browser.close")
        except RuntimeError: pass
    finally:
        try: proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill(); proc.wait()
        subprocess.run(["rm", "-rf", profile])

if __name__ == "__main__":
    main()
