using Tanager.Baselines;

// Run as `dotnet Tanager.Baselines.dll --urls http://127.0.0.1:PORT`; the host reads --urls itself.
var builder = WebApplication.CreateBuilder(args);
// Per-request Information logs for thousands of connections would cost more than the fan-out being measured.
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSignalR();
builder.Services.AddSingleton<WebSocketBroadcaster>();

var app = builder.Build();
app.UseWebSockets();

app.MapGet("/health", () => Results.Ok());
app.MapHub<FanoutHub>("/hub");
app.Map("/ws", async (HttpContext context, WebSocketBroadcaster broadcaster) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }
    // ?group=NAME puts the socket in that group (the multi-channel load test); without it, in the default group.
    var group = context.Request.Query["group"].ToString();
    if (group.Length > WebSocketBroadcaster.MaxGroupNameLength)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }
    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    await broadcaster.RunAsync(socket, group, context.RequestAborted);
});

await app.RunAsync();
