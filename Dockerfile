# Tanager in a container (docs/deployment.md, "Containers"). From the repository root:
#   docker build -t tanager .
#   docker run -p 8080:8080 -v tanager-data:/data tanager
# For 64-bit ARM: docker build --build-arg RID=linux-arm64 -t tanager .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG RID=linux-x64
WORKDIR /src
COPY . .
RUN dotnet publish Tanager.Server/Tanager.Server.csproj -c Release -r $RID --no-self-contained -o /app -nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# The data folder (SQLite database, files, keys) belongs to the image's unprivileged user, as the process does.
RUN mkdir /data && chown $APP_UID /data
USER $APP_UID
VOLUME /data
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 8080
# The runtime image has no curl or wget: the server answers its own probe.
HEALTHCHECK --interval=15s --timeout=10s --start-period=30s --retries=3 CMD ["dotnet", "/app/tanager.dll", "health", "--server", "http://127.0.0.1:8080", "--path", "/health/ready"]
ENTRYPOINT ["dotnet", "/app/tanager.dll"]
CMD ["serve", "--listen", "http://0.0.0.0:8080", "--data-dir", "/data"]
