-- Health of a Crossplane package (pkg.crossplane.io Provider or Function) from its Installed
-- and Healthy conditions.
if isDeleting() then
  return health("Progressing", "Deleting the package")
end

local installed = findCondition("Installed")
local healthy = findCondition("Healthy")
if installed == nil then
  return health("Progressing", "Waiting for the package manager")
end
if healthy ~= nil and healthy.status == "False" then
  return health("Degraded", "Healthy=False " .. describe(healthy))
end
if installed.status == "False" then
  -- Unpacking without a message is the normal wait; with one it is the error (e.g. a refused pull).
  if installed.reason == "UnpackingPackage" and (installed.message == nil or installed.message == "") then
    return health("Progressing", "Unpacking the package")
  end
  if installed.reason == "AwaitingSignatureVerification" then
    return health("Progressing", describe(installed))
  end
  if installed.reason == "InactivePackageRevision" then
    return health("Suspended", "Revision inactive (revisionActivationPolicy: Manual) " .. describe(installed))
  end
  return health("Degraded", "Installed=False " .. describe(installed))
end
if installed.status == "True" and healthy ~= nil and healthy.status == "True" then
  return health("Healthy", "Installed and healthy")
end
return health("Progressing", "Installed; waiting for the package revision to report Healthy")
