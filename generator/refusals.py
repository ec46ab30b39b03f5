"""Every refusal that is not a problem in the data: its stable code and what it means.

A data problem is a Problem (generator/problems.py) with a rule's code; a refusal stops a command
before or instead of its work (a missing tool, a signing key in a public folder, an unknown sheet).
Each is a JuwuError carrying one of these codes, so scripts can tell them apart and the README
lists them all (tests/test_refusals.py keeps the three in step).
"""

REFUSALS: dict[str, tuple[str, str]] = {
    "catalogue-path": ("不是城市数据文件夹中的 CSV 路径", "a CSV path that does not belong in a city data folder"),
    "cjk-fonts-missing": ("缺少中文字体，打印会出现方框", "the CJK fonts a printed sheet needs are not installed"),
    "city-repository": ("城市数据仓库命令拒绝执行（社区代码、文件、负责人）",
                        "a city repository command refused (community code, files, owners)"),
    "data-repository": ("数据仓库的 git 操作失败", "a git operation on the data repository failed"),
    "engine-failed": ("主题引擎（MkDocs、Zensical、ProperDocs）构建失败", "the theme engine's build failed"),
    "engine-missing": ("选用的主题引擎没有安装", "the chosen theme engine is not installed"),
    "engine-unknown": ("不认识的主题引擎名称", "an unknown theme engine name"),
    "intake-settings": ("上传服务的设置有误", "the upload service's settings are wrong"),
    "intake-user": ("上传服务的账号操作被拒绝", "an upload service account operation was refused"),
    "key-exists": ("签名私钥已存在，不会覆盖", "a signing key exists and is not overwritten"),
    "key-inside-public": ("签名私钥位于公开的数据仓库或网站中", "a signing key inside the public data or site"),
    "key-invalid": ("不是有效的 minisign 密钥或签名文件", "not a valid minisign key or signature file"),
    "key-unreadable": ("无法读取签名私钥", "the signing key cannot be read"),
    "manifest-chain": ("网站上的清单链与上次发布时不一致", "the site's manifest chain is not the one last published"),
    "npm-missing": ("安装 Pagefind 需要 npm", "npm is needed to install Pagefind"),
    "pagefind-download": ("npm 下载 Pagefind 失败", "npm could not fetch Pagefind"),
    "pagefind-integrity": ("下载的 Pagefind 与固定的校验值不符", "the downloaded Pagefind does not match its pinned integrity"),
    "pagefind-missing": ("搜索索引程序 Pagefind 没有安装", "Pagefind, the search indexer, is not installed"),
    "pagefind-platform": ("本机平台没有固定版本的 Pagefind", "no pinned Pagefind for this platform"),
    "pdf-engine-missing": ("PDF 排版所需的系统库（Pango）没有安装", "the system library PDFs need (Pango) is missing"),
    "placeholder-url": ("网站地址还是占位地址，二维码扫不开", "the site address is a placeholder: QR codes would lead nowhere"),
    "print-request": ("要打印的公开表不存在（社区、账期、报告或公开表种类）",
                      "the sheet asked for does not exist (community, period, report or kind)"),
    "public-key": ("无法读取或不是 minisign 公钥", "the public key cannot be read or is not a minisign public key"),
    "search-index-failed": ("生成搜索索引失败", "building the search index failed"),
    "site-symlink": ("网站或页面文件夹中有符号链接", "a symbolic link where pages must be plain files"),
    "upload-conflict": ("上传核对之后数据已被他人修改，请重新上传", "the data changed after the upload was checked: upload again"),
    "upload-unchanged": ("上传的内容与已公开的完全相同", "the upload is what is already published"),
    "template-request": ("没有这种模板，或模板参数有误", "no such template, or its options are wrong"),
}
