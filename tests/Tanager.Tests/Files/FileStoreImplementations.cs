using Tanager.FileStore.S3;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Files;

/// <summary>Local disk, through the URLs a real Tanager server serves for it.</summary>
public sealed class LocalDiskFileStoreSpecification : FileStoreSpecification
{
    private TestServer? _server;

    protected override async Task<IFileStore> CreateStoreAsync()
    {
        _server = await TestServer.StartAsync();
        return _server.Services.GetRequiredService<IFileStore>();
    }

    protected override Uri Resolve(Uri url) => new(new Uri(_server!.Url, "api/v1/"), url);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>S3 against a real S3-compatible server (s3rver) the test run starts, a bucket per test class instance.</summary>
public sealed class S3FileStoreSpecification : FileStoreSpecification
{
    protected override async Task<IFileStore> CreateStoreAsync() => new S3FileStore(await (await S3Server.GetSharedAsync()).CreateBucketAsync());

    protected override Uri Resolve(Uri url) => url;
}
