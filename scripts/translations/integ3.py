T = {
    "Hours": "时长",
}
