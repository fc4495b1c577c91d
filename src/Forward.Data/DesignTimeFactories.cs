using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Forward.Data;

/// <summary>Lets `dotnet ef migrations add` build each provider's context without the web host.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteForwardDbContext>
{
    public SqliteForwardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteForwardDbContext>().UseSqlite("Data Source=design.db").Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresForwardDbContext>
{
    public PostgresForwardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresForwardDbContext>().UseNpgsql("Host=localhost;Database=forward_design").Options);
}
