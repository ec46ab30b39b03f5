import sys
from playwright.sync_api import sync_playwright
base = "http://127.0.0.1:8731/"
paths = sys.argv[1:]
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    ctx = b.new_context(viewport={"width": 360, "height": 800}, locale="zh-CN", device_scale_factor=1)
    page = ctx.new_page()
    for i, path in enumerate(paths):
        page.goto(base + path); page.wait_for_load_state("load")
        sw = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        print(path, "scroll/inner", sw)
        page.screenshot(path=f"/work/scratch-rollout/shot{i}.png", full_page=True)
        page.emulate_media(media="print")
        page.pdf(path=f"/work/scratch-rollout/print{i}.pdf", format="A4") if False else None
        page.emulate_media(media="screen")
    b.close()
