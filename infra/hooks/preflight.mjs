// The preprovision hook's preflight: before anything is created, does the target Azure cloud and
// region offer the chosen hosting plan? Flex Consumption is not offered in every region, nor in
// every cloud (Azure Government has none); the Dedicated plan (a Linux App Service plan) is offered
// wherever App Service is. Microsoft Cloud Germany closed on 2021-10-29: its customers use the
// public cloud's German regions. Pure functions of what the Azure CLI answered, so tests run them
// without Azure.

export const FLEX_CONSUMPTION = 'FlexConsumption';
export const DEDICATED = 'Dedicated';

/** Region names as the CLI spells them in one list and the other: lowercase, no spaces. */
const regionKey = (name) =>
  String(name ?? '')
    .toLowerCase()
    .replace(/\s+/g, '');

/** Region names from `az ... --output json`: strings or objects with a name. */
export function regionNames(listed) {
  return (Array.isArray(listed) ? listed : []).map((entry) => regionKey(typeof entry === 'string' ? entry : (entry?.name ?? entry?.displayName)));
}

/**
 * Whether the hosting plan can be deployed: `{ ok: true }`, or `{ ok: false, problem }` with one
 * paragraph that says what is wrong and how to fix it.
 * - cloud: `az cloud show --query name` (AzureCloud, AzureUSGovernment, ...)
 * - location: AZURE_LOCATION
 * - hostingPlan: HOSTING_PLAN (FlexConsumption when unset)
 * - regions: the cloud's regions (`az account list-locations`), when known
 * - flexRegions: regions with Flex Consumption (`az functionapp list-flexconsumption-locations`);
 *   an empty list when the cloud has none or the CLI could not list them
 */
export function hostingPreflight({ cloud, location, hostingPlan, regions, flexRegions }) {
  const plan = hostingPlan || FLEX_CONSUMPTION;
  if (cloud === 'AzureGermanCloud') {
    return {
      ok: false,
      problem:
        "Microsoft Cloud Germany closed on 2021-10-29; its customers use the public cloud's German regions. Run `az cloud set --name AzureCloud`, `azd config set cloud.name AzureCloud` and `azd env set AZURE_LOCATION germanywestcentral` (or germanynorth), then `azd up` again.",
    };
  }
  if (plan !== FLEX_CONSUMPTION && plan !== DEDICATED) {
    return { ok: false, problem: `HOSTING_PLAN is ${plan}: use ${FLEX_CONSUMPTION} or ${DEDICATED} (\`azd env set HOSTING_PLAN ${DEDICATED}\`).` };
  }
  const region = regionKey(location);
  if (!region) {
    return { ok: false, problem: 'AZURE_LOCATION is not set: choose a region with `azd env set AZURE_LOCATION <region>` and run `azd up` again.' };
  }
  const known = regionNames(regions);
  if (known.length > 0 && !known.includes(region)) {
    return {
      ok: false,
      problem: `${location} is not a region of ${cloud}: choose one of ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', ...' : ''} (\`azd env set AZURE_LOCATION <region>\`), or sign in to the cloud you meant (\`az cloud set\`, \`azd config set cloud.name\`).`,
    };
  }
  if (plan === FLEX_CONSUMPTION) {
    const flex = regionNames(flexRegions);
    if (flex.length === 0) {
      return {
        ok: false,
        problem: `Flex Consumption is not offered in ${cloud}. Use the Dedicated plan (a Linux App Service plan, no keys either): \`azd env set HOSTING_PLAN ${DEDICATED}\`, then \`azd up\` again.`,
      };
    }
    if (!flex.includes(region)) {
      return {
        ok: false,
        problem: `Flex Consumption is not offered in ${location} (${cloud}). Choose a region that offers it, such as ${flex.slice(0, 6).join(', ')} (\`azd env set AZURE_LOCATION <region>\`; all of them: \`az functionapp list-flexconsumption-locations\`), or use the Dedicated plan: \`azd env set HOSTING_PLAN ${DEDICATED}\`.`,
      };
    }
  }
  return { ok: true };
}

/** TELEMETRY_ENTRA_ONLY for a cloud: Entra-only ingestion is documented for the public cloud. */
export function telemetryEntraOnlyFor(cloud) {
  return cloud === 'AzureCloud' ? 'true' : 'false';
}
