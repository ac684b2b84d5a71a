using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Tanager.Internal;

/// <summary>
/// Refuses to start a host whose <c>AddTanager()</c> chose no store. Core cannot default to SQLite (it may reference no
/// database driver), and defaulting to memory would lose every message at the first restart, so the choice is the
/// application's, made once, in plain sight.
/// </summary>
internal sealed class StoreCheck(IServiceProvider services) : IHostedService
{
    public const string Message =
        "Tanager has no store. Choose one on AddTanager(): .UseSqlite(\"path/to/chat.db\") (package Tanager.Storage.Sqlite) "
        + "or .UsePostgres(url) (package Tanager.Storage.Postgres) to keep your data, or .UseInMemory() for tests and demos "
        + "(it loses everything on restart).";

    public static InvalidOperationException NoStore() => new(Message);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolving each interface runs the "no store" registration if it is still in place; a chosen store is created
        // here instead of at the first request, which is when its constructor's errors are most useful anyway.
        _ = services.GetRequiredService<IUserStore>();
        _ = services.GetRequiredService<IWorkspaceStore>();
        _ = services.GetRequiredService<IChannelStore>();
        _ = services.GetRequiredService<IMessageStore>();
        _ = services.GetRequiredService<ISearchStore>();
        _ = services.GetRequiredService<IReadStateStore>();
        _ = services.GetRequiredService<IAttachmentStore>();
        _ = services.GetRequiredService<ITwoFactorStore>();
        _ = services.GetRequiredService<IAuditStore>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
