namespace Tanager.Tests.Infrastructure;

/// <summary>Which store a test server runs on.</summary>
public enum TestStorage
{
    InMemory,
    Sqlite,
    Postgres,
}
