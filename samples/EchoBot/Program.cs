using Tanager.Client;

// An echo bot: answers every message in the channels it is in. Configure with TANAGER_URL, BOT_EMAIL and BOT_PASSWORD.
var server = new Uri(Environment.GetEnvironmentVariable("TANAGER_URL") ?? "http://127.0.0.1:8080/");
await using var bot = await TanagerClient.LoginAsync(server, Environment.GetEnvironmentVariable("BOT_EMAIL")!, Environment.GetEnvironmentVariable("BOT_PASSWORD")!);

bot.Gateway.MessageCreated += async message =>
{
    if (message.AuthorId != bot.User!.Id)
    {
        await bot.PostMessageAsync(message.WorkspaceId, message.ChannelId, $"echo: {message.Content}");
    }
};

await bot.Gateway.ConnectAsync();
Console.WriteLine("echo bot ready");
await Task.Delay(Timeout.Infinite);
