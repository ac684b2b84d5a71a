using NUlid;

namespace Tanager;

/// <summary>
/// What a readiness probe asks of the components a node cannot serve without: each method asks the cheapest question that
/// still needs the component to answer, and throws what the component threw when it cannot.
/// </summary>
public sealed class ReadinessService(IUserStore users, IFileStore files)
{
    /// <summary>A key no attachment has (attachment keys are workspace-scoped paths).</summary>
    private const string ProbeKey = "tanager-readiness-probe";

    /// <summary>One primary-key lookup of a user that cannot exist: a round trip to PostgreSQL, a read on SQLite.</summary>
    public async Task ProbeStoreAsync(CancellationToken cancellationToken = default) =>
        _ = await users.GetAsync(Ulid.Empty, cancellationToken);

    /// <summary>The size of a file that does not exist: a HEAD request to S3, a file lookup on local disk.</summary>
    public async Task ProbeFileStoreAsync(CancellationToken cancellationToken = default) =>
        _ = await files.GetSizeAsync(ProbeKey, cancellationToken);
}
