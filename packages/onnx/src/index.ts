// placeholder until the package lands; keeps the workspace build green
export {};
