namespace Tanager;

/// <summary>Brings a store's schema up to date. Run at start-up by the host and by <c>tanager migrate</c>.</summary>
public interface IStorageMigrator
{
    /// <summary>A short name for logs, e.g. "sqlite".</summary>
    string StorageName { get; }

    /// <summary>Applies every migration not applied yet; safe to call from several nodes at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);
}
