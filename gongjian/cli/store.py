"""Commands of the store group: ``push``, ``cypher list``, ``cypher run``, ``export``.

The Neo4j password is never an option: it comes from ``NEO4J_PASSWORD`` or, on a
terminal, a hidden prompt.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from gongjian.cli.common import (
    FormatOpt,
    GraphArg,
    LangOpt,
    OutputOpt,
    add_inputs,
    check_outputs,
    emit,
    err_console,
    open_graph,
    out_console,
)
from gongjian.errors import StoreError
from gongjian.i18n import pick

_ToOpt = Annotated[Optional[str], typer.Option(
    "--to", help="数据库地址 Store URI: neo4j://主机:7687, bolt://…, falkordb://主机:6379 或 "
                 "falkordb://主机:6379/图名, embedded (图文件旁的 .falkordb 目录) 或 "
                 "embedded:目录. Default: $NEO4J_URI.",
    show_default=False)]
_UserOpt = Annotated[Optional[str], typer.Option(
    "--user", help="Neo4j 用户名 user (default $NEO4J_USER or neo4j); 密码只从 NEO4J_PASSWORD "
                   "或提示输入 (the password only from NEO4J_PASSWORD or a prompt).",
    show_default=False)]
_DatabaseOpt = Annotated[Optional[str], typer.Option(
    "--database", help="Neo4j 数据库 database (default $NEO4J_DATABASE or the server's default).",
    show_default=False)]
_ReportsOpt = Annotated[Optional[Path], typer.Option(
    "--reports", help="自己的报表目录 A folder of your own NAME.cypher reports.",
    show_default=False)]


def _password(uri: str) -> str | None:
    """NEO4J_PASSWORD, or a hidden prompt on a terminal; None for FalkorDB."""
    from gongjian.stores.store import NEO4J_SCHEMES, parse_uri

    if parse_uri(uri).scheme not in NEO4J_SCHEMES:
        return None
    secret = os.environ.get("NEO4J_PASSWORD")
    if secret is None and sys.stdin.isatty():
        secret = typer.prompt("Neo4j 密码 password", hide_input=True)
    return secret


def _open(to: str | None, graph: Path | None, user: str | None, database: str | None):
    from gongjian.stores.store import open_store

    uri = to or os.environ.get("NEO4J_URI")
    if not uri:
        raise StoreError("请用 --to 指定数据库，例如 --to embedded 或 --to neo4j://localhost:7687 "
                         "(no store: give --to URI or set NEO4J_URI)")
    return open_store(uri, user=user, password=_password(uri), database=database,
                      graph_file=graph)


def push_command(
    graph: GraphArg,
    to: _ToOpt = None,
    batch_size: Annotated[int, typer.Option(
        "--batch-size", min=1, help="每批行数 Rows per batch (UNWIND).")] = 5000,
    replace: Annotated[bool, typer.Option(
        "--replace", help="先清空库中 gongjian 的图 Clear gongjian's graph in the store first.")
    ] = False,
    personal: Annotated[bool, typer.Option(
        "--personal", help="同时写入书记、联系电话 Also push personal fields.")] = False,
    user: _UserOpt = None,
    database: _DatabaseOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """把图谱写入 Neo4j 或 FalkorDB（可重复执行，不会重复）Push the graph to a store, idempotently.

    例 Example:  gongjian push 图.gjg --to embedded   ·   gongjian push 图.gjg --to neo4j://localhost:7687
    """
    from gongjian.stores.push import PUSH_LABELS, push

    kg = open_graph(graph)
    with _open(to, graph, user, database) as store:
        summary = push(kg, store, batch_size=batch_size, replace=replace,
                       include_personal=personal)
    emit(summary.frame(lang), fmt=fmt, output=output, labels=PUSH_LABELS, lang=lang)
    err_console.print(summary.text(lang), markup=False)


def _params(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"应为 key=value: {item!r} (expected key=value)")
        out[key.strip()] = value
    return out


def cypher_list_command(reports: _ReportsOpt = None,
                        fmt: Annotated[Literal["table", "json", "csv", "xlsx"], typer.Option(
                            "--format", "-f", help="输出格式 Output format.")] = "table",
                        output: OutputOpt = None, lang: LangOpt = "zh") -> None:
    """列出 Cypher 报表 List the Cypher reports (name, title, description, parameters).

    例 Example:  gongjian cypher list   ·   gongjian cypher list --format json
    """
    from gongjian.stores.reports import REPORT_LIST_LABELS, list_reports, reports_frame

    df = reports_frame(list_reports(reports), lang=lang)
    if fmt == "table":
        df = df.assign(parameters=[
            [f"{p['name']}:{p['type']}={p['default']}" for p in ps] for ps in df["parameters"]])
    emit(df, fmt=fmt, output=output, labels=REPORT_LIST_LABELS if fmt != "json" else None,
         lang=lang)


def cypher_run_command(
    name: Annotated[str, typer.Argument(help="报表名 Report name (see `gongjian cypher list`).",
                                        show_default=False)],
    graph: Annotated[Optional[Path], typer.Argument(
        help="图文件或台账目录：先推送到临时嵌入式库再运行 A graph file or ledger folder: "
             "pushed to a temporary embedded store first.", show_default=False)] = None,
    to: _ToOpt = None,
    param: Annotated[Optional[list[str]], typer.Option(
        "--param", "-p", help="报表参数 key=value, e.g. --param as_of=2025-06-30.")] = None,
    gds: Annotated[bool, typer.Option("--gds", help="运行 Neo4j GDS 版 Run the GDS version.")
                   ] = False,
    reports: _ReportsOpt = None,
    user: _UserOpt = None,
    database: _DatabaseOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """运行 Cypher 报表 Run a Cypher report on a store, or on a graph file via a temporary store.

    例 Example:  gongjian cypher run isolated_organizations 图.gjg -p as_of=2025-06-30
    """
    from gongjian.stores.reports import get_report, report_for_people, run_report

    report = get_report(name, reports)
    values = _params(param or [])
    report.values(values)  # check the parameters before any work
    if graph is not None and to is None:
        from gongjian.stores.push import push
        from gongjian.stores.store import open_store

        kg = open_graph(graph)
        with open_store("embedded") as store:
            push(kg, store)
            df = run_report(name, store, values, folder=reports, gds=gds)
    else:
        if graph is not None:
            raise StoreError("GRAPH 与 --to 只能给一个 (give either GRAPH or --to, not both)")
        with _open(to, None, user, database) as store:
            df = run_report(name, store, values, folder=reports, gds=gds)
    title = report.title_en if lang == "en" and report.title_en else report.title
    if fmt == "json":  # scripts read the report's own columns and codes
        emit(df, fmt=fmt, output=output, lang=lang, title=title)
    else:
        people, labels = report_for_people(df, lang)
        emit(people, fmt=fmt, output=output, labels=labels, lang=lang, title=title)


#: A ledger folder bigger than this is exported streamed even without --stream.
STREAM_BYTES = 256 * 1024**2


def export_command(
    graph: GraphArg,
    fmt: Annotated[Literal["neo4j-admin", "gexf", "graphml"], typer.Option(
        "--format", "-f", help="neo4j-admin (CSV 目录), gexf 或 graphml (文件).")] = "neo4j-admin",
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="目录 (neo4j-admin) 或文件 Folder or file to write.",
        show_default=False)] = ...,  # type: ignore[assignment]
    as_of: Annotated[Optional[str], typer.Option(
        "--as-of", help="分析日期 (gexf/graphml) Analysis date.")] = None,
    personal: Annotated[bool, typer.Option(
        "--personal", help="同时导出书记、联系电话 Also export personal fields (neo4j-admin).")
    ] = False,
    stream: Annotated[bool, typer.Option(
        "--stream", help="从台账目录分块导出，不在内存中建图（省级、全国）；台账文件合计超过 "
                         "256 MB 时自动使用 Stream from a ledger folder without building the "
                         "graph in memory (province, nation); automatic above 256 MB of "
                         "ledger files (neo4j-admin).")] = False,
    lang: LangOpt = "zh",
) -> None:
    """导出图谱 Export the graph: neo4j-admin import CSVs, GEXF or GraphML.

    例 Example:  gongjian export 图.gjg --format neo4j-admin -o neo4j导入/
    ·  gongjian export 全国台账/ --format neo4j-admin -o neo4j导入/ --stream
    """
    check_outputs(*(([], [output]) if fmt == "neo4j-admin" else ([output], [])), inputs=[graph])
    if fmt == "neo4j-admin":
        from gongjian.stores.neo4j_admin_stream import ledger_bytes

        size = ledger_bytes(graph) if graph.is_dir() else 0
        if stream and not size:
            raise StoreError(f"--stream 需要台账目录，{graph} 不是 (--stream needs a ledger "
                             f"folder)")
        if stream or size > STREAM_BYTES:
            _export_streamed(graph, output, personal, lang)
            return
        from gongjian.stores.neo4j_admin import export_graph_file_neo4j_admin, export_neo4j_admin

        if graph.is_dir() or not graph.exists():  # a ledger folder (or: not found)
            result = export_neo4j_admin(open_graph(graph), output, include_personal=personal)
        else:  # a graph file: read a table and a batch at a time, never whole
            add_inputs(graph)
            result = export_graph_file_neo4j_admin(graph, output, include_personal=personal)
        n_nodes, n_rels = len(result.nodes), len(result.relationships)
        err_console.print(pick(lang, f"已写入 {n_nodes} 个节点文件、{n_rels} 个关系文件到 "
                                     f"{output}；导入命令：",
                               f"wrote {n_nodes} node and {n_rels} relationship files to "
                               f"{output}; import with:"))
        out_console.print(result.command, markup=False, soft_wrap=True)
        return
    if stream:
        raise StoreError("--stream 只用于 --format neo4j-admin (--stream is for neo4j-admin)")
    from gongjian.cli.common import parse_as_of
    from gongjian.viz import export_network
    from gongjian.viz.export import EXPORT_NEEDS

    path = export_network(open_graph(graph, EXPORT_NEEDS), output, fmt,
                          as_of=parse_as_of(as_of))
    err_console.print(pick(lang, f"已写入 {path}", f"wrote {path}"))


def _export_streamed(ledger: Path, output: Path, personal: bool, lang: str) -> None:
    """The streamed export of a ledger folder, with its summary and the import command."""
    from gongjian.stores.neo4j_admin_stream import export_ledger_neo4j_admin

    result = export_ledger_neo4j_admin(ledger, output, include_personal=personal)
    n_nodes, n_rels = len(result.nodes), len(result.relationships)
    err_console.print(pick(
        lang,
        f"已写入 {n_nodes} 个节点文件（{result.node_rows:,} 个节点）、{n_rels} 个关系文件"
        f"（{result.relationship_rows:,} 条关系）到 {output}",
        f"wrote {n_nodes} node files ({result.node_rows:,} nodes) and {n_rels} relationship "
        f"files ({result.relationship_rows:,} relationships) to {output}"), markup=False)
    if result.problems is not None:
        rejected = sum(result.rejected.values())
        err_console.print(pick(
            lang,
            f"台账问题：错误 {result.errors:,} 处（{rejected:,} 行未导出）、警告 "
            f"{result.warnings:,} 处，见 {result.problems}",
            f"ledger problems: {result.errors:,} errors ({rejected:,} rows left out), "
            f"{result.warnings:,} warnings; see {result.problems}"), markup=False)
    if result.skipped_lists:
        names = "、".join(result.skipped_lists)
        err_console.print(pick(
            lang,
            f"注意：流式导出不含三张清单和活动记录（{names}）；如需导出，请去掉 --stream，"
            "或用 gongjian push",
            f"note: the streamed export leaves out the three lists and the activity record "
            f"({names}); export without --stream, or use gongjian push, to include them"),
            markup=False)
    err_console.print(pick(lang, "导入命令：", "import with:"))
    out_console.print(result.command, markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("push")(push_command)
    app.command("export")(export_command)
    cypher = typer.Typer(help="Cypher 报表 Cypher reports: list, run.  例 Example: gongjian "
                              "cypher list", no_args_is_help=True)
    cypher.command("list")(cypher_list_command)
    cypher.command("run")(cypher_run_command)
    app.add_typer(cypher, name="cypher")
