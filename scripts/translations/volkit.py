"""zh_Hans for volunteers on the kit and residents' self-registration (session volkit)."""

T = {
    # the model and its choices
    "Awaiting review": "待审核",
    "Refused": "未通过",
    "community served": "服务社区",
    "service intentions": "服务意向",
    "guardian consents": "监护人同意",
    "consent to the use of personal data given": "同意使用个人信息的时间",
    "decided by": "审核人",
    "decided": "审核时间",
    "received": "提交时间",
    "volunteer self-registration": "志愿者自主注册",
    "volunteer self-registrations": "志愿者自主注册",
    # the service's refusals
    "Children under 14 cannot register as volunteers themselves; a guardian may take part with them in family "
    "volunteering.": "未满14周岁的儿童不能自行注册为志愿者，可在监护人陪同下参加亲子志愿服务。",
    "Aged 14–17: name the guardian who consents.": "14至17周岁：请填写同意的监护人姓名。",
    "Aged 14–17: the guardian's consent is needed.": "14至17周岁：需要监护人同意。",
    "Registration needs your consent to the use of your personal data.": "注册需要您同意使用您的个人信息。",
    "Choose the community or village you will serve in.": "请选择您要服务的社区或村。",
    "Give your real name.": "请填写真实姓名。",
    "Choose at least one kind of service.": "请至少选择一类服务。",
    "Approve or refuse.": "请选择通过或不通过。",
    "This registration has already been decided.": "该注册申请已审核。",
    "Say why the registration is refused; the applicant is told.": "请说明不通过的理由，申请人会收到告知。",
    "This person is already registered as a volunteer; refuse this registration with that reason.":
        "此人已注册为志愿者；请以此为由不予通过。",
    # the public page
    "Real name": "真实姓名",
    "Mobile phone": "手机号码",
    "Community you will serve in": "服务的社区（村）",
    "What you would like to do": "服务意向",
    "Skills (optional)": "特长（选填）",
    "Guardian's name (aged 14–17)": "监护人姓名（14至17周岁填写）",
    "My guardian consents to my volunteering (aged 14–17)": "监护人同意我参加志愿服务（14至17周岁）",
    "I consent to the civil affairs bureau keeping and using my name, ID number and phone to register and manage "
    "my volunteer service": "我同意民政局保存并使用我的姓名、身份证号和手机号码，用于志愿者注册和志愿服务管理",
    "Community service": "社区服务",
    "Help for the elderly and the disabled": "助老助残",
    "Care for children": "关爱儿童",
    "Teaching and tutoring": "支教助学",
    "Health": "卫生健康",
    "Environmental protection": "生态环保",
    "Culture and the arts": "文化艺术",
    "Emergency relief": "应急救援",
    "Legal aid": "法律服务",
    "Large events": "大型赛会",
    "Civic civility": "文明实践",
    "Register as a volunteer": "志愿者注册",
    "Register with your real name. The volunteer officer of the community you choose reviews your registration; "
    "once it is approved you are a registered volunteer and can join teams and activities.":
        "请以真实姓名注册。您所选社区的志愿服务工作人员将审核您的注册，审核通过后您即成为注册志愿者，可以加入队伍、参加活动。",
    "From 14 to 17 years of age you register with your guardian's consent; children under 14 take part together "
    "with a guardian in family volunteering.":
        "14至17周岁须经监护人同意后注册；未满14周岁的儿童可在监护人陪同下参加亲子志愿服务。",
    "Submit my registration": "提交注册",
    "Registration received": "注册已提交",
    "Thank you. We have received your registration and will review it; the volunteer officer of your community "
    "will contact you by phone.": "谢谢！我们已收到您的注册，将进行审核；您所在社区的志愿服务工作人员会通过电话与您联系。",
    # the officer's pages
    "Volunteer self-registrations": "志愿者自主注册",
    "Volunteer self-registrations to decide": "待审核的志愿者自主注册",
    "Volunteer self-registration of %(name)s": "%(name)s 的志愿者自主注册",
    "Decision": "审核结果",
    "Approve: register the volunteer": "通过：登记为志愿者",
    "Refuse": "不通过",
    "Reason (needed to refuse)": "理由（不通过时必填）",
    "User name of their own account (optional)": "本人账号的用户名（选填）",
    "Given on approval: the volunteer signs in to “my service”; the first password is shown once.":
        "通过时填写：志愿者用它登录“我的服务”；初始密码只显示一次。",
    "Decide": "提交审核",
    "Community served": "服务社区",
    "Service intentions": "服务意向",
    "Received": "提交时间",
    "A volunteer with this ID number is already registered; refuse this registration with that reason.":
        "已有使用该身份证号注册的志愿者；请以此为由不予通过。",
    # the hour-record, shift, correction and import steps on the kit
    "Check in %(name)s": "为 %(name)s 签到",
    "Check out %(name)s": "为 %(name)s 签退",
    "Mark %(name)s as a no-show": "将 %(name)s 记为缺席",
    "Record hours of %(name)s": "记录 %(name)s 的服务时长",
    "Approve %(record)s": "审核通过 %(record)s",
    "Reject %(record)s": "退回 %(record)s",
    "Reverse %(record)s": "冲销 %(record)s",
    "Answer the correction request": "答复更正申请",
    "Answer": "答复",
    "Approve the pending records of %(file)s": "审核通过 %(file)s 中待审核的记录",
}
