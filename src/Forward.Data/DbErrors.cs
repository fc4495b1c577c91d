using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Forward.Data;

public static class DbErrors
{
    /// <summary>True when a save failed on a unique index (SQLite SQLITE_CONSTRAINT_UNIQUE / PostgreSQL 23505).</summary>
    public static bool IsUniqueViolation(DbUpdateException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.InnerException switch
        {
            SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 } => true,
            PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
            _ => false,
        };
    }

    /// <summary>
    /// True when PostgreSQL broke a deadlock by failing this transaction (40P01), looking through wrapping exceptions
    /// (EF's retry limit, its update wrapper). Nothing was written; the work can be tried again.
    /// </summary>
    public static bool IsDeadlock(Exception exception) =>
        Chain(exception).Any(e => e is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected });

    /// <summary>
    /// True when the database could not be reached or dropped the session (PostgreSQL down, restarting, refusing
    /// connections, a terminated backend, a deadlock it broke by failing this transaction; SQLite busy or locked past the
    /// timeout): the request may succeed if retried later, so callers answer 503 rather than 500. Looks through wrapping
    /// exceptions (EF wraps provider errors).
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        foreach (var e in Chain(exception))
        {
            switch (e)
            {
                case PostgresException pg when pg.Severity is "FATAL" or "PANIC"
                    || pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                    || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
                    || pg.SqlState == PostgresErrorCodes.TooManyConnections
                    || pg.SqlState == PostgresErrorCodes.DeadlockDetected:
                    return true;
                case PostgresException:
                    return false;
                case NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case SqliteException { SqliteErrorCode: 5 or 6 }:
                    return true;
                case TimeoutException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>The exception and those it wraps, outermost first.</summary>
    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
