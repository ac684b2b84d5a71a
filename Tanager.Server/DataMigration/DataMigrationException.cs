namespace Tanager.Server.DataMigration;

/// <summary>A reason <c>tanager migrate-data</c> stops, told to the person who ran it (exit code 1).</summary>
internal sealed class DataMigrationException : Exception
{
    public DataMigrationException()
    {
    }

    public DataMigrationException(string message)
        : base(message)
    {
    }

    public DataMigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
