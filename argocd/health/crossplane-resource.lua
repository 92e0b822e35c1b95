-- Health of a Crossplane resource that reports Synced and Ready: the project's claims and
-- composites (payments-dr.io) and the AWS managed resources (*.aws.upbound.io).
if isDeleting() then
  return health("Progressing", "Deleting: Crossplane is removing the external resources")
end

local synced = findCondition("Synced")
if synced ~= nil and synced.status == "False" then
  if synced.reason == "ReconcilePaused" then
    return health("Suspended", "Reconciliation paused by the crossplane.io/paused annotation")
  end
  return health("Degraded", "Synced=False " .. describe(synced))
end

local lastAsyncOperation = findCondition("LastAsyncOperation")
if lastAsyncOperation ~= nil and lastAsyncOperation.status == "False" then
  return health("Degraded", "LastAsyncOperation failed " .. describe(lastAsyncOperation))
end

local ready = findCondition("Ready")
if ready == nil then
  return health("Progressing", "Waiting for Crossplane to report Ready")
end
if ready.status == "True" then
  return health("Healthy", "Ready " .. describe(ready))
end
if ready.status == "False" and ready.reason == "Unavailable" then
  return health("Degraded", "Ready=False " .. describe(ready))
end
return health("Progressing", "Ready=" .. (ready.status or "Unknown") .. " " .. describe(ready))
