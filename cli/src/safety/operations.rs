//! The operation table: every operation `hac` and `hac mcp` can send, with its class (what
//! it can do to the server) and its scope (where it acts). The production guard, the MCP
//! server's tool list and refusals, and node fan-out all decide from this one table; the
//! README's "Safety model" section shows it (a test keeps the two equal).

use serde::Serialize;

/// What an operation can do to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Cannot change the server (a login's session aside).
    Read,
    /// Changes data or configuration, in ways the operation itself bounds.
    Write,
    /// Runs code on the server whose effects the tool cannot bound: a rolled-back Groovy
    /// script can still commit its own transaction, start threads, send mail, write files
    /// or stop the JVM. Never a read, whatever the commit flag says.
    CodeExecution,
}

impl Class {
    /// How the class is written in messages and the README.
    pub fn label(self) -> &'static str {
        match self {
            Class::Read => "read",
            Class::Write => "write",
            Class::CodeExecution => "code execution",
        }
    }
}

/// Where an operation acts, which decides node fan-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The database every node shares: sent to one node. `--nodes` given explicitly runs
    /// it on each (a Groovy script may inspect one node's runtime); a profile's `nodes`
    /// list does not.
    Shared,
    /// One node's memory (log levels, properties, caches, JVM): a profile's `nodes` list
    /// runs it on every node.
    NodeLocal,
    /// Runs once, never fanned out: imports, updates, sessions, waiting, diagnostics.
    Once,
}

impl Scope {
    /// How the scope is written in the README.
    pub fn label(self) -> &'static str {
        match self {
            Scope::Shared => "shared",
            Scope::NodeLocal => "node-local",
            Scope::Once => "once",
        }
    }
}

/// Every operation that talks to a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    GroovyScript,
    FlexibleSearch,
    FlexibleSearchWrite,
    SqlQuery,
    SqlStatement,
    ImpexValidate,
    ImpexValidateWithCode,
    ImpexImport,
    ImpexImportWithCode,
    ImpexExportResult,
    ImpexExportWithCode,
    UpdateData,
    UpdatePending,
    UpdateLog,
    UpdateRun,
    Health,
    Wait,
    About,
    Extensions,
    LogLevelShow,
    LogLevelSet,
    CacheStats,
    CacheClear,
    CronjobsList,
    CronjobsAbort,
    ConfigGet,
    ConfigSet,
    TypeInfo,
    PkInfo,
    Cluster,
    Database,
    Memory,
    ThreadDump,
    Login,
    Logout,
    Doctor,
    Nodes,
    Diff,
}

/// One row of the table.
#[derive(Debug)]
pub struct Entry {
    pub operation: Operation,
    /// The command (and MCP tool) that sends it.
    pub command: &'static str,
    pub class: Class,
    pub scope: Scope,
    /// When it is this operation rather than a neighbour (`sql query` vs `sql statement`).
    pub when: &'static str,
}

use Class::{CodeExecution, Read, Write};
use Operation as O;
use Scope::{NodeLocal, Once, Shared};

macro_rules! table {
    ($($op:ident, $cmd:literal, $class:ident, $scope:ident, $when:literal;)*) => {
        /// The table, in the README's order.
        pub const TABLE: &[Entry] = &[$(Entry {
            operation: O::$op,
            command: $cmd,
            class: $class,
            scope: $scope,
            when: $when,
        }),*];
    };
}

table! {
    GroovyScript, "groovy · execute_groovy", CodeExecution, Shared,
        "any script, any language, with or without --commit";
    FlexibleSearch, "flexsearch · flexible_search", Read, Shared,
        "a FlexibleSearch query with nothing that can act (as for SQL below; its {...} parts aside)";
    FlexibleSearchWrite, "flexsearch · flexible_search", Write, Shared,
        "a FlexibleSearch query with INTO, locking, ;, a statement word after the query, a function not known to only compute, or text databases read differently (HAC passes it on to the database)";
    SqlQuery, "flexsearch --sql · flexible_search sql=true", Read, Shared,
        "exactly one query that every dialect's parser sees without INTO, locking, a data-modifying WITH, a statement word after it (SQL Server needs no ;) or a function not known to only compute, and no text databases read differently; no --commit";
    SqlStatement, "flexsearch --sql · flexible_search sql=true", Write, Shared,
        "anything else: DDL, DML, several statements, --commit, or text that does not parse";
    ImpexValidate, "impex validate · validate_impex", Read, Once,
        "without --code-execution";
    ImpexValidateWithCode, "impex validate --code-execution", CodeExecution, Once,
        "BeanShell/Groovy in the script is run";
    ImpexImport, "impex import · import_impex", Write, Once,
        "without --code-execution";
    ImpexImportWithCode, "impex import --code-execution", CodeExecution, Once,
        "BeanShell/Groovy in the script is run";
    ImpexExportResult, "impex export", Read, Once,
        "a script without BeanShell or Groovy (no #% lines, no \"#%...\" cells)";
    ImpexExportWithCode, "impex export", CodeExecution, Once,
        "a script with BeanShell or Groovy markers, which the export runs";
    UpdateData, "update data · update_data", Read, Shared, "";
    UpdatePending, "update pending · pending_patches", Read, Shared, "";
    UpdateLog, "update log · update_log", Read, Once, "";
    UpdateRun, "update run", Write, Once,
        "--drop-tables also needs --yes on every profile";
    Health, "health", Read, NodeLocal, "no login";
    Wait, "wait", Read, Once, "";
    About, "about", Read, Shared, "";
    Extensions, "extensions", Read, Shared, "";
    LogLevelShow, "log-level LOGGER · log-level --list", Read, NodeLocal, "";
    LogLevelSet, "log-level LOGGER LEVEL", Write, NodeLocal, "until restart";
    CacheStats, "cache stats", Read, NodeLocal, "";
    CacheClear, "cache clear", Write, NodeLocal, "every region";
    CronjobsList, "cronjobs", Read, Shared, "";
    CronjobsAbort, "cronjobs abort", Write, Shared, "every running cron job";
    ConfigGet, "config get", Read, NodeLocal, "";
    ConfigSet, "config set", Write, NodeLocal, "in memory, until restart";
    TypeInfo, "type · types · type_info", Read, Shared, "";
    PkInfo, "pk", Read, Shared, "";
    Cluster, "cluster", Read, NodeLocal, "as the answering node sees it";
    Database, "db", Read, Shared, "";
    Memory, "memory", Read, NodeLocal, "";
    ThreadDump, "threaddump", Read, NodeLocal, "";
    Login, "login", Read, Once, "only the session changes";
    Logout, "logout", Read, Once, "only the session changes";
    Doctor, "doctor", Read, Once, "a login with the configured user";
    Nodes, "nodes", Read, Once, "health checks, then the cluster view of each node found";
    Diff, "diff · diff", Read, Once,
        "configuration, type system (FlexibleSearch), extensions, update data, log levels, caches, health; a query only when it is a read (checked as flexsearch)";
}

/// The table as the README shows it (a test keeps the README's copy equal to this).
#[cfg(test)]
fn markdown() -> String {
    let mut out =
        String::from("| command · MCP tool | class | scope | when |\n|---|---|---|---|\n");
    for e in TABLE {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            e.command.replace(" · ", "` · `"),
            e.class.label(),
            e.scope.label(),
            e.when
        ));
    }
    out
}

/// The table as text for a terminal (`hac help safety`): one operation per line.
pub fn text() -> String {
    let width = TABLE.iter().map(|e| e.command.len()).max().unwrap_or(0);
    let mut out = format!(
        "{:<width$}  {:<14}  {:<10}  when\n",
        "command · MCP tool", "class", "scope"
    );
    for e in TABLE {
        out.push_str(&format!(
            "{:<width$}  {:<14}  {:<10}  {}\n",
            e.command,
            e.class.label(),
            e.scope.label(),
            e.when
        ));
    }
    out
}

impl Operation {
    /// The operation's row.
    pub fn entry(self) -> &'static Entry {
        // Every operation has its row (a test checks); were one missing, the first row,
        // code execution, is the safe answer.
        TABLE
            .iter()
            .find(|e| e.operation == self)
            .unwrap_or(&TABLE[0])
    }

    pub fn class(self) -> Class {
        self.entry().class
    }

    pub fn scope(self) -> Scope {
        self.entry().scope
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_one_row() {
        let all = [
            O::GroovyScript,
            O::FlexibleSearch,
            O::FlexibleSearchWrite,
            O::SqlQuery,
            O::SqlStatement,
            O::ImpexValidate,
            O::ImpexValidateWithCode,
            O::ImpexImport,
            O::ImpexImportWithCode,
            O::ImpexExportResult,
            O::ImpexExportWithCode,
            O::UpdateData,
            O::UpdatePending,
            O::UpdateLog,
            O::UpdateRun,
            O::Health,
            O::Wait,
            O::About,
            O::Extensions,
            O::LogLevelShow,
            O::LogLevelSet,
            O::CacheStats,
            O::CacheClear,
            O::CronjobsList,
            O::CronjobsAbort,
            O::ConfigGet,
            O::ConfigSet,
            O::TypeInfo,
            O::PkInfo,
            O::Cluster,
            O::Database,
            O::Memory,
            O::ThreadDump,
            O::Login,
            O::Logout,
            O::Doctor,
            O::Nodes,
            O::Diff,
        ];
        assert_eq!(all.len(), TABLE.len());
        for op in all {
            assert_eq!(
                TABLE.iter().filter(|e| e.operation == op).count(),
                1,
                "{op:?}"
            );
        }
    }

    /// The README shows this table, under its marker comment.
    #[test]
    fn the_readme_shows_this_table() {
        let readme = include_str!("../../../README.md");
        let marker = "<!-- operation-table: generated from cli/src/safety/operations.rs -->\n";
        let at = readme.find(marker).expect("the README's marker") + marker.len();
        assert!(
            readme[at..].starts_with(&markdown()),
            "the README's table differs from the code; it is:\n{}",
            markdown()
        );
    }

    #[test]
    fn code_execution_is_never_a_read() {
        for op in [
            O::GroovyScript,
            O::ImpexValidateWithCode,
            O::ImpexImportWithCode,
            O::ImpexExportWithCode,
        ] {
            assert_eq!(op.class(), Class::CodeExecution, "{op:?}");
        }

        assert_eq!(O::GroovyScript.scope(), Scope::Shared);
    }
}
